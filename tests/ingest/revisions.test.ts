import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../../services/ingest/validate-measurement.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { DAY, ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-02T12:00:00+08:00'));

const hour = (day: string, h: number, value: number, version = 'provisional'): RawMeasurement => ({
  time: shanghaiInstant(day, h).toISOString(),
  series: 'st_tongyun_1',
  metric: 'pm25',
  value,
  version,
});

async function queued(table: 'rollup_queue' | 'evaluation_queue'): Promise<string[]> {
  const col = table === 'rollup_queue' ? 'series_id' : 'scope_id';
  const { rows } = await db.pool.query<{ k: string }>(
    `SELECT ${col} || '|' || metric_id || '|' || day AS k FROM ${table} ORDER BY 1`,
  );
  return rows.map((r) => r.k);
}

const ingest = (rows: RawMeasurement[]) =>
  ingestRows(db.pool, { sourceId: 'test_revisions', adapter: 'manual' }, rows, clock);

describe('revisions and late data', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });
  beforeEach(async () => {
    await db.pool.query('TRUNCATE rollup_queue, evaluation_queue');
  });

  it('an audited value replaces the provisional one, keeps it with its version and time, and marks the day', async () => {
    const first = await ingest([hour('2024-03-10', 8, 52.0)]);
    await db.pool.query('TRUNCATE rollup_queue');
    const audited = await ingest([hour('2024-03-10', 8, 49.5, 'audited')]);
    expect(audited).toMatchObject({ received: 1, inserted: 0, updated: 1, unchanged: 0, refused: 0 });

    const { rows: current } = await db.pool.query(
      `SELECT value, data_version, revision, batch_id FROM measurement WHERE series_id = 'st_tongyun_1' AND ts = $1`,
      [shanghaiInstant('2024-03-10', 8)],
    );
    expect(current).toEqual([{ value: 49.5, data_version: 1, revision: 1, batch_id: audited.batchId }]);
    const { rows: history } = await db.pool.query<{
      value: number;
      data_version: number;
      batch_id: number;
      superseded_by_batch: number;
      ingested_at: Date;
    }>(
      `SELECT value, data_version, batch_id, superseded_by_batch, ingested_at FROM measurement_revision WHERE series_id = 'st_tongyun_1'`,
    );
    expect(history).toMatchObject([
      { value: 52, data_version: 0, batch_id: first.batchId, superseded_by_batch: audited.batchId },
    ]);
    expect(history[0]!.ingested_at).toBeInstanceOf(Date);

    expect(await queued('rollup_queue')).toEqual(['st_tongyun_1|pm25|2024-03-10']);
    await processRollupQueue(db.pool);
    expect(await queued('evaluation_queue')).toEqual(
      expect.arrayContaining([
        'tongyun|pm25|2024-03-10',
        'tongzhou|pm25|2024-03-10',
        'tongyun|aqi|2024-03-10',
      ]),
    );
  });

  it('a provisional value arriving after the audited one is refused as superseded, an identical one is unchanged', async () => {
    await ingest([hour('2024-03-11', 8, 40.0, 'audited')]);
    await db.pool.query('TRUNCATE rollup_queue');
    const r = await ingest([hour('2024-03-11', 8, 44.0), hour('2024-03-11', 9, 41.0)]);
    expect(r).toMatchObject({ received: 2, inserted: 1, updated: 0, unchanged: 0, refused: 1 });
    expect(r.refusals).toMatchObject([{ row: 1, code: 'SUPERSEDED_BY_AUDITED' }]);
    const { rows } = await db.pool.query(
      `SELECT raw->>'value' AS value FROM refused_row WHERE batch_id = $1`,
      [r.batchId],
    );
    expect(rows).toEqual([{ value: '44' }]);
    await db.pool.query('TRUNCATE rollup_queue');
    const same = await ingest([hour('2024-03-11', 8, 40.0)]);
    expect(same).toMatchObject({ received: 1, unchanged: 1, refused: 0 });
    expect(await queued('rollup_queue')).toEqual([]);
  });

  it('an hour arriving days late completes its day and marks that day for re-evaluation', async () => {
    await ingest(Array.from({ length: 19 }, (_, h) => hour('2024-03-12', h, 60)));
    await processRollupQueue(db.pool);
    const before = await db.pool.query(
      `SELECT valid FROM scope_daily WHERE scope_id = 'tongyun' AND metric_id = 'pm25' AND day = '2024-03-12'`,
    );
    expect(before.rows).toEqual([{ valid: false }]);

    await db.pool.query('TRUNCATE evaluation_queue');
    clock.advance(5 * DAY);
    const late = await ingest([hour('2024-03-12', 23, 80)]);
    expect(late).toMatchObject({ inserted: 1 });
    await processRollupQueue(db.pool);
    const after = await db.pool.query(
      `SELECT valid, value FROM scope_daily WHERE scope_id = 'tongyun' AND metric_id = 'pm25' AND day = '2024-03-12'`,
    );
    expect(after.rows).toEqual([{ valid: true, value: 61 }]);
    expect(await queued('evaluation_queue')).toEqual(expect.arrayContaining(['tongyun|pm25|2024-03-12']));
  });
});
