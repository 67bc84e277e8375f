/**
 * The bulk path of `npm run bench:ingest`, run in a process of its own (as `envwatch ingest <file>` runs), so
 * the peak RSS it reports is that of a process doing the load and nothing else: modules loaded, then one file
 * streamed through bulkIngest. Prints one JSON line: seconds, peak and starting RSS, the batch counts.
 *   node --import tsx bench/ingest-bulk-child.ts <database-url> <file> <now-iso> [direct|staged]
 * `staged` turns the direct COPY off, timing the path revisions and re-deliveries take. Run without heap flags:
 * the Node settings a user has.
 */
import { holdHeapNearLiveSet } from '../services/cli/heap.js';
import { bulkIngest } from '../services/ingest/bulk-load.js';
import { readLongFileChunks } from '../services/ingest/formats/long-format.js';
import { createPool } from '../services/db/pool.js';
import { ManualClock } from '../services/time/shanghai.js';

const [url, file, nowIso, mode = 'direct'] = process.argv.slice(2);
if (!url || !file || !nowIso) throw new Error('usage: ingest-bulk-child.ts <database-url> <file> <now-iso>');

// What `envwatch ingest --bulk` does before its load.
holdHeapNearLiveSet();
const pool = createPool({ connectionString: url, max: 3 });
try {
  const startMb = process.memoryUsage.rss() / 2 ** 20;
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const t0 = performance.now();
  const result = await bulkIngest(
    pool,
    { sourceId: 'bench', adapter: 'bulk', origin: file },
    () => readLongFileChunks(file),
    new ManualClock(new Date(nowIso)),
    { direct: mode !== 'staged' },
  );
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  const { refusals: _refusals, timingsMs, ...counts } = result;
  const peakMb = Math.max(peak, process.resourceUsage().maxRSS * 1024) / 2 ** 20;
  process.stdout.write(`${JSON.stringify({ seconds, startMb, peakMb, counts, timingsMs })}\n`);
} finally {
  await pool.end();
}
