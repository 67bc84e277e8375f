import type { Config } from '../../../config/env.js';
import { createAppContext } from '../../runtime/app-context.js';
import { startRoles } from '../../runtime/start-roles.js';
import { checkPostgres, checkRedis } from '../dependency-check.js';
import { runMigrate } from './migrate.js';
import { parseArgs } from 'node:util';
import type { CommandRun } from '../command.js';

/** Waits for PostgreSQL and Redis (containers start in any order), migrates, then starts the roles. */
export async function runStart(
  config: Config,
  out: (line: string) => void,
  opts: { waitSeconds: number },
): Promise<void> {
  await waitFor(() => checkPostgres(config), opts.waitSeconds);
  await waitFor(() => checkRedis(config), opts.waitSeconds);
  await runMigrate(config, out);
  const ctx = createAppContext(config);
  const running = await startRoles(ctx, config.ROLES);
  if (running.apiUrl) out(`envwatch is running: ${running.apiUrl}`);
  if (running.hj212) {
    out(`HJ 212 receiver listening on ${running.hj212.address.host}:${running.hj212.address.port}`);
  }
  const shutdown = (signal: string) => {
    out(`${signal}: shutting down`);
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

async function waitFor(check: () => Promise<void>, seconds: number): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export const run: CommandRun = async ({ config, args, out }) => {
  const { values } = parseArgs({ args, options: { wait: { type: 'string', default: '60' } } });
  await runStart(config, out, { waitSeconds: Number(values.wait) });
  return -1; // keeps running until a signal
};
