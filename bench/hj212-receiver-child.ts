/**
 * The receiver of `npm run bench:hj212`, in a process of its own so that its peak RSS is the receiver's alone.
 *   node --import tsx bench/hj212-receiver-child.ts <database-url> <now-iso>
 * Prints {"port":…} once listening; on a line "report" on stdin prints {"peakMb":…,"startMb":…} and exits.
 */
import { loadConfig } from '../config/env.js';
import { createPool } from '../services/db/pool.js';
import { receiverOptions } from '../services/ingest/hj212/receiver-config.js';
import { startHj212Receiver } from '../services/ingest/hj212/receiver.js';
import { createLogger } from '../services/logging.js';
import { ManualClock } from '../services/time/shanghai.js';

const [url, nowIso] = process.argv.slice(2);
if (!url || !nowIso) throw new Error('usage: hj212-receiver-child.ts <database-url> <now-iso>');

const config = loadConfig({ ...process.env, DATABASE_URL: url });
const pool = createPool({ connectionString: url, max: config.HJ212_COMMIT_PARALLEL + 2 });
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
const receiver = await startHj212Receiver(
  { ...receiverOptions(config, 0), maxConnections: 10_000 },
  { db: pool, clock: new ManualClock(new Date(nowIso)), logger: createLogger({ level: 'warn' }) },
);
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
  void receiver.stop().then(() => pool.end().then(() => process.exit(0)));
});
