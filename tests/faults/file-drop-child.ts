/**
 * A file-drop worker for tests/faults/file-drop-crash.test.ts: runs one source over the drop directory
 * (argv[3]) against the database argv[2], printing "opened" once its batch row exists, so the test can
 * SIGKILL it mid-file.
 */
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { createPool } from '../../services/db/pool.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { adapterCtx } from '../ingest/fixtures.js';
import { crashSource } from './file-drop-source.js';

const [url, dropDir] = [process.argv[2]!, process.argv[3]!];
const pool = createPool({ connectionString: url, max: 2 });
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const poll = setInterval(() => {
  void pool
    .query(`SELECT 1 FROM ingest_batch WHERE source_id = 'crash_drop' AND status = 'running'`)
    .then((r) => {
      if (r.rowCount) {
        clearInterval(poll);
        process.stdout.write('opened\n');
      }
    });
}, 20);
await fileDropAdapter.run(crashSource(), adapterCtx(pool, clock, { dropDir, claimStaleMs: 2_000 }));
process.stdout.write('finished\n');
process.exit(0);
