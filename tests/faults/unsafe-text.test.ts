/**
 * Issue #20 (high): one NUL byte or lone surrogate in a refused row failed the whole batch — the raw row is
 * kept as jsonb, which takes neither — so a push answered 500 and lost its good rows, and a dropped file failed
 * (and was retried for ever, blocking its source). Each such row is now refused with its own reason and kept,
 * the NUL shown as ␀ and the lone surrogate as U+FFFD; the good rows of the batch are stored.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { ingestPushedBatch } from '../../services/ingest/push-batch.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { adapterCtx, batchState, seedRealReference, useTempDir } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const tempDir = useTempDir();

async function refused(
  batchId: number,
): Promise<{ row_number: number; reason_code: string; raw: unknown }[]> {
  const { rows } = await db.pool.query<{ row_number: number; reason_code: string; raw: unknown }>(
    `SELECT row_number, reason_code, raw FROM refused_row WHERE batch_id = $1 ORDER BY row_number`,
    [batchId],
  );
  return rows;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('NUL bytes and lone surrogates', () => {
  it('refuse only their own rows of a push, which stores the good ones', async () => {
    const at = (h: number) => `2024-03-20T${String(h).padStart(2, '0')}:00:00+08:00`;
    const { answer } = await ingestPushedBatch(db.pool, clock, {
      sourceId: 'nul_push',
      clientRef: null,
      origin: 'test',
      measurements: [
        { time: at(1), series: 'st_beiyuan_1', metric: 'pm25', value: 31 },
        { time: at(2), series: 'st_beiyuan_1\u0000x', metric: 'pm25', value: 32 },
        { time: at(3), series: 'st_beiyuan_1', metric: 'pm25\ud800', value: 33 },
        { time: at(4), series: 'st_beiyuan_1', metric: 'pm25', value: 34, flags: 'A\u0000' },
        { time: at(5), series: 'st_beiyuan_1', metric: 'pm25', value: 35 },
      ],
    });
    expect(answer).toMatchObject({ received: 5, inserted: 2, refused: 3 });
    const rows = await refused(answer.batch_id);
    expect(rows.map((r) => [r.row_number, r.reason_code])).toEqual([
      [2, 'UNSAFE_TEXT'],
      [3, 'UNSAFE_TEXT'],
      [4, 'UNSAFE_TEXT'],
    ]);
    expect(rows[0]!.raw).toMatchObject({ series: 'st_beiyuan_1␀x' });
    expect(rows[1]!.raw).toMatchObject({ metric: 'pm25\ufffd' });
    expect(await batchState(db.pool, answer.batch_id)).toMatchObject({ status: 'done', received: 5 });
  });

  it('refuse only their own rows of a dropped CSV file, whose batch is done', async () => {
    const [s] = parseSources(
      `sources:\n  - { id: nul_drop, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: nul_drop, ` +
        `cadence: hour, expected_lag: 1h, settle_window: 1h }\n`,
    );
    const drop = tempDir();
    await mkdir(path.join(drop, 'nul_drop'), { recursive: true });
    const csv =
      'time,series,metric,value\n' +
      '2024-03-21T01:00:00+08:00,st_beiyuan_1,pm25,41\n' +
      '2024-03-21T02:00:00+08:00,st_bei\u0000yuan_1,pm25,42\n' +
      '2024-03-21T03:00:00+08:00,st_beiyuan_1,pm25,43\n';
    await writeFile(path.join(drop, 'nul_drop', 'with-nul.csv'), csv);
    const r = await fileDropAdapter.run(s as FileDropSource, adapterCtx(db.pool, clock, { dropDir: drop }));
    expect(r.rejected).toEqual([]);
    expect(r.batches.map((b) => [b.received, b.inserted, b.refused])).toEqual([[3, 2, 1]]);
    expect((await refused(r.batches[0]!.batchId)).map((x) => x.reason_code)).toEqual(['UNSAFE_TEXT']);
  });
});
