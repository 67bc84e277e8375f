/**
 * The receiver of `npm run bench:hj212`, in a process of its own so that its peak RSS is the receiver's alone.
 *   node --import tsx bench/hj212-receiver-child.ts <database-url> <now-iso>
 * Prints {"port":…} once listening; on a line "report" on stdin prints {"peakMb":…,"startMb":…} and exits.
 *
 * The receiver as `envwatch start` with ROLES=hj212 runs it (start-roles.ts): the configuration's defaults,
 * a pool of DATABASE_POOL_SIZE, and after each commit round the rollup refresh asked for on the queue (a
 * deduplicated BullMQ add, one Redis round trip per round). It does not load the whole application context:
 * that imports every job and the web layer (~180 MB more RSS at start under tsx) which is not the receiver's.
 * Its queue prefix is its own and emptied on exit, so no job outlives the bench's dropped database.
 */
import { Queue } from 'bullmq';
import { loadConfig } from '../config/env.js';
import { createPool } from '../services/db/pool.js';
import { receiverOptions } from '../services/ingest/hj212/receiver-config.js';
import { startHj212Receiver } from '../services/ingest/hj212/receiver.js';
import { createLogger } from '../services/logging.js';
import { refreshRollupsMessage, refreshRollupsRequest } from '../services/outbox/messages.js';
import { createRedis } from '../services/runtime/redis.js';
import { ManualClock } from '../services/time/shanghai.js';

const [url, nowIso] = process.argv.slice(2);
if (!url || !nowIso) throw new Error('usage: hj212-receiver-child.ts <database-url> <now-iso>');

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
  onIngested: async (result) => {
    await rollups.add(
      name,
      { ...payload, reason: `hj212 batch ${result.batchId}` },
      { deduplication: { id: dedupeId } },
    );
  },
});
process.stdout.write(`${JSON.stringify({ port: receiver.address.port })}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (s: string) => {
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
