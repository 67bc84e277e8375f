/** The file-drop source of tests/faults/file-drop-crash.test.ts and its child process. */
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';

export function crashSource(): FileDropSource {
  const [s] = parseSources(
    `sources:\n  - { id: crash_drop, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: crash_drop, ` +
      `cadence: hour, expected_lag: 1h, settle_window: 1h }\n`,
  );
  return s as FileDropSource;
}
