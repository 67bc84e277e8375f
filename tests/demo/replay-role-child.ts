/**
 * One role process of the scaled-out replay (tests/demo/scaled-out.test.ts): the demo's configuration (JSON in
 * ROLE_CONFIG, as the replay built it), the roles in ROLES, and — for workers and receivers — the replayed time
 * followed through Redis under FOLLOWER. Prints "ready <hj212 port|->" once it runs; SIGTERM stops it in order,
 * as `envwatch start` does.
 */
import type { Config } from '../../config/env.js';
import { followReplayTime } from '../../services/demo/replay-clock.js';
import { createLogger } from '../../services/logging.js';
import { createAppContext } from '../../services/runtime/app-context.js';
import { startRoles } from '../../services/runtime/start-roles.js';

type Role = Config['ROLES'][number];
const roles = process.env['ROLES']!.split(',') as Role[];
const config = { ...(JSON.parse(process.env['ROLE_CONFIG']!) as Config), ROLES: roles };
const follower = process.env['FOLLOWER'];
const logger = createLogger({ level: 'warn', name: `replay-${roles.join('+')}` });

let followed: ReturnType<typeof followReplayTime> | null = null;
if (follower) {
  const probe = createAppContext(config, { logger });
  followed = followReplayTime(probe.redis.duplicate(), config.QUEUE_PREFIX, follower);
  await followed.ready;
  await probe.close();
}
const ctx = createAppContext(config, { logger, clock: followed?.clock });
const running = await startRoles(ctx, roles, { hj212Refresh: false });
process.stdout.write(`ready ${running.hj212?.address.port ?? '-'}\n`);
process.once('SIGTERM', () => {
  followed?.stop();
  running.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
