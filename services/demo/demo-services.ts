/**
 * What the demo runs beside envwatch: the SMTP catcher (unless mail goes to Mailpit), the station feed, the
 * demo's sources file, and the configuration and logger the roles get — the demo database, its own queue
 * prefix, the catcher as SMTP server, the demo sources, a free dashboard port, logs in a file (the terminal
 * is for the demo's progress).
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { destination, pino, type Logger } from 'pino';
import type { Config } from '../../config/env.js';
import { resolveFromRoot } from '../../config/paths.js';
import { demoConfig, demoLogin } from './demo-setup.js';
import { startFeedServer, type FeedServer } from './feed-server.js';
import { findHttpPort } from './local-ports.js';
import { startMailCatcher, type MailCatcher } from './mail-catcher.js';
import { DEMO_DROP_ROOT, writeDemoSourcesFile } from './replay/demo-sources.js';

export interface DemoServices {
  config: Config;
  login: { username: string; password: string; generated: boolean };
  logger: Logger;
  logFile: string;
  mail: MailCatcher | null;
  feed: FeedServer;
  outDir: string;
  dropDir: string;
  close(): Promise<void>;
}

export async function startDemoServices(
  base: Config,
  opts: { databaseUrl: string; queuePrefix: string; smtpUrl?: string; serve: boolean },
): Promise<DemoServices> {
  const outDir = resolveFromRoot(base.OUT_DIR);
  const dropDir = resolveFromRoot(base.DROP_DIR);
  // The demo's drop directories only: files of an earlier run must not be ingested again.
  await rm(path.join(dropDir, DEMO_DROP_ROOT), { recursive: true, force: true });
  const mail = opts.smtpUrl ? null : await startMailCatcher(path.join(outDir, 'mail'));
  const feed = await startFeedServer();
  try {
    const sourcesFile = path.join(outDir, 'demo', 'sources.yaml');
    await writeDemoSourcesFile(sourcesFile, feed.url);
    const httpPort = opts.serve ? await findHttpPort(base.HTTP_HOST, base.HTTP_PORT) : base.HTTP_PORT;
    const login = demoLogin(base);
    const config = demoConfig(base, {
      login,
      databaseUrl: opts.databaseUrl,
      queuePrefix: opts.queuePrefix,
      smtpUrl: opts.smtpUrl ?? mail!.url,
      mailDir: mail?.dir ?? null,
      httpPort,
      sourcesFile,
    });
    const logFile = path.join(outDir, 'demo', 'envwatch.log');
    const logger = pino(
      { name: 'envwatch-demo', level: 'info' },
      destination({ dest: logFile, mkdir: true, sync: false, append: false }),
    );
    return {
      config,
      login,
      logger,
      logFile,
      mail,
      feed,
      outDir,
      dropDir,
      async close() {
        await feed.close();
        await mail?.close();
        logger.flush();
      },
    };
  } catch (err) {
    await feed.close();
    await mail?.close();
    throw err;
  }
}
