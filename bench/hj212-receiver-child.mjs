/**
 * The receiver of `npm run bench:hj212`, in a process of its own so that its peak RSS is the receiver's alone.
 *   node bench/hj212-receiver-child.mjs <database-url> <now-iso>
 * Prints {"port":…,"compiled":…} once listening; on a line "report" on stdin prints {"peakMb":…,"startMb":…}
 * and exits.
 *
 * The receiver as `envwatch start` with ROLES=hj212 runs it (start-roles.ts): the configuration's defaults,
 * a pool of DATABASE_POOL_SIZE, and after each commit round the rollup refresh asked for on the queue (a
 * deduplicated BullMQ add, one Redis round trip per round). It does not load the whole application context:
 * that imports every job and the web layer (~180 MB more RSS at start under tsx) which is not the receiver's.
 * Its queue prefix is its own and emptied on exit, so no job outlives the bench's dropped database.
 *
 * Plain JavaScript, so that it loads the app as bin/envwatch.mjs does (tests/helpers/app-modules.mjs): the
 * compiled dist/ when it is current (`npm run build`; `npm start` and the Docker image run that), else the
 * TypeScript through tsx — whose loader thread and transpiled sources add ~45 MB of RSS that a deployed
 * receiver does not have (the same imports: 147 MB through tsx, 99 MB compiled, JS heap 33 MB in both).
 */
import { clearInterval, setInterval } from 'node:timers';
import { Queue } from 'bullmq';
import { compiled, importApp } from '../tests/helpers/app-modules.mjs';

const { loadConfig } = await importApp('config/env');
const { createPool } = await importApp('services/db/pool');
const { receiverOptions } = await importApp('services/ingest/hj212/receiver-config');
const { startHj212Receiver } = await importApp('services/ingest/hj212/receiver');
const { createLogger } = await importApp('services/logging');
const { refreshRollupsMessage, refreshRollupsRequest } = await importApp('services/outbox/messages');
const { createRedis } = await importApp('services/runtime/redis');
const { ManualClock } = await importApp('services/time/shanghai');

const [url, nowIso] = process.argv.slice(2);
if (!url || !nowIso) throw new Error('usage: hj212-receiver-child.mjs <database-url> <now-iso>');

const config = loadConfig({ ...process.env, DATABASE_URL: url });
const pool = createPool({
  connectionString: url,
  max: config.DATABASE_POOL_SIZE,
  connectTimeoutMs: config.PG_CONNECT_TIMEOUT_MS,
});
const redis = createRedis(config.REDIS_URL, { forWorkers: true });
const [name, payload, { dedupeId }] = refreshRollupsRequest('bench');
const rollups = new Queue(refreshRollupsMessage.queue, {
  connection: redis,
  prefix: `${config.QUEUE_PREFIX}_bench_hj212_${process.pid}`,
});
const startMb = process.memoryUsage.rss() / 2 ** 20;
let peak = process.memoryUsage.rss();
// What the RSS is made of at its peak: the JS heap, Buffers (external), the rest native (sockets, code).
let atPeak = process.memoryUsage();
const timer = setInterval(() => {
  const rss = process.memoryUsage.rss();
  if (rss <= peak) return;
  peak = rss;
  atPeak = process.memoryUsage();
}, 20);
const receiver = await startHj212Receiver(receiverOptions(config, 0), {
  db: pool,
  clock: new ManualClock(new Date(nowIso)),
  logger: createLogger({ level: 'warn' }),
  /** @param {{ batchId: number }} result */
  onIngested: async (result) => {
    await rollups.add(
      name,
      { ...payload, reason: `hj212 batch ${result.batchId}` },
      { deduplication: { id: dedupeId } },
    );
  },
});
process.stdout.write(`${JSON.stringify({ port: receiver.address.port, compiled })}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (s) => {
  if (!s.includes('report')) return;
  clearInterval(timer);
  const cpu = process.cpuUsage();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(
    `${JSON.stringify({
      peakMb: peak / 2 ** 20,
      startMb,
      cpuSeconds,
      heapMb: atPeak.heapTotal / 2 ** 20,
      externalMb: atPeak.external / 2 ** 20,
    })}\n`,
  );
  void (async () => {
    await receiver.stop();
    await rollups.obliterate({ force: true });
    await rollups.close();
    await pool.end();
    await redis.quit();
    process.exit(0);
  })();
});
