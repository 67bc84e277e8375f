/**
 * A pushing process for tests/faults/push-batch-ref.test.ts: pushes one large batch with a reference into the
 * database named by argv[2], printing "opened" once its batch row exists, so the test can SIGKILL it mid-push.
 */
import { createPool } from '../../services/db/pool.js';
import { ingestPushedBatch } from '../../services/ingest/push-batch.js';
import { ManualClock } from '../../services/time/shanghai.js';

const [url, ref, rows] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4])];
const pool = createPool({ connectionString: url, max: 2 });
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const measurements = Array.from({ length: rows }, (_, i) => ({
  time: new Date(Date.UTC(2023, 0, 1) + i * 3_600_000).toISOString(),
  series: 'st_beiyuan_1',
  metric: 'pm25',
  value: 30 + (i % 50),
}));
const poll = setInterval(() => {
  void pool
    .query(`SELECT 1 FROM ingest_batch WHERE client_ref = $1 AND status = 'running'`, [ref])
    .then((r) => {
      if (r.rowCount) {
        clearInterval(poll);
        process.stdout.write('opened\n');
      }
    });
}, 20);
await ingestPushedBatch(pool, clock, { sourceId: 'push_src', clientRef: ref, origin: 'child', measurements });
process.stdout.write('finished\n');
process.exit(0);
