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
  // Ordered (start-roles.ts): scheduler, receiver, HTTP (drains), workers (running jobs finish), then queues,
  // pool and Redis. A second signal while stopping is ignored rather than cutting a job off mid-transaction;
  // the timeout bounds the wait, and what it cuts off BullMQ hands to another worker (stalled jobs).
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`${signal}: shutting down`);
    running.stop(config.SHUTDOWN_TIMEOUT_SECONDS * 1000).then(
      () => {
        out('stopped');
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
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
