import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../services/ingest/formats/deliveries.js';
import { discardRefusedRows, listRefusedRows } from '../../services/ingest/refused-queries.js';
import { reprocessRefusedRows } from '../../services/ingest/reprocess.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));
const tempDir = useTempDir();

describe('re-processing refused rows', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('loads rows refused for an unknown station once an alias is added, and keeps the rest listed', async () => {
    const file = await writeCsv(`${tempDir()}/alias.csv`, [
      ['time', 'series', 'metric', 'value', 'unit'],
      ['2024-03-07T08:00:00+08:00', '台湖1号站', 'pm25', 35, ''],
      ['2024-03-07T09:00:00+08:00', '台湖1号站', 'pm25', 37, 'ppb'],
      ['2024-03-07T10:00:00+08:00', '台湖1号站', 'pm25', 39, ''],
    ]);
    const first = await ingestFile(
      db.pool,
      { sourceId: 'taihu_feed', adapter: 'manual' },
      file,
      'long',
      clock,
    );
    expect(first).toMatchObject({ received: 3, refused: 3 });
    const open = await listRefusedRows(db.pool, { sourceId: 'taihu_feed', status: 'open' });
    expect(open.map((r) => r.reason_code)).toEqual(['UNKNOWN_SERIES', 'UNKNOWN_SERIES', 'UNKNOWN_SERIES']);

    await db.pool.query(`INSERT INTO site_alias (alias, site_id) VALUES ('台湖1号站', 'st_taihu_1')`);
    const [again] = await reprocessRefusedRows(
      db.pool,
      { reasonCode: 'UNKNOWN_SERIES', sourceId: 'taihu_feed' },
      { clock, by: 'test' },
    );
    // The unit error behind the unknown station now shows: that row is refused anew, pointing back.
    expect(again).toMatchObject({ received: 3, inserted: 2, refused: 1 });
    expect(await batchState(db.pool, again!.batchId)).toMatchObject({
      status: 'done',
      received: 3,
      inserted: 2,
      refused: 1,
    });
    const rows = await listRefusedRows(db.pool, { sourceId: 'taihu_feed' });
    expect(rows.map((r) => [r.reason_code, r.status, r.retry_of])).toEqual([
      ['UNKNOWN_SERIES', 'reprocessed', null],
      ['UNKNOWN_SERIES', 'reprocessed', null],
      ['UNKNOWN_SERIES', 'reprocessed', null],
      ['UNIT_NOT_ACCEPTED', 'open', open[1]!.id],
    ]);
  });

  it('applies a correction to the raw row, then the row loads', async () => {
    const [still] = await listRefusedRows(db.pool, { sourceId: 'taihu_feed', status: 'open' });
    const [fixed] = await reprocessRefusedRows(
      db.pool,
      { ids: [still!.id] },
      { clock, by: 'test', patch: { unit: 'µg/m³' } },
    );
    expect(fixed).toMatchObject({ received: 1, inserted: 1, refused: 0 });
    expect(await listRefusedRows(db.pool, { sourceId: 'taihu_feed', status: 'open' })).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM measurement WHERE series_id = 'st_taihu_1' AND ts::date = '2024-03-07'`,
    );
    expect(rows).toEqual([{ n: 3 }]);
  });

  it('re-processes a refused ranking row with its own kind, and discards a row on request', async () => {
    const file = await writeCsv(`${tempDir()}/rank.csv`, [
      ['期间', '指标', '排名', '参排数', '区', '街道乡镇'],
      ['2024-03', 'PM2.5', 9, 273, '通州区', '台湖'],
      ['2024-03', 'PM2.5', 10, 273, '通州区', '台湖镇人民政府'],
      ['2024-03', 'PM2.5', 11, 273, '通州区', '不存在镇'],
    ]);
    const first = await ingestFile(
      db.pool,
      { sourceId: 'ranks', adapter: 'manual' },
      file,
      'city_ranking',
      clock,
    );
    expect(first).toMatchObject({ received: 3, inserted: 1, refused: 2 });
    await db.pool.query(`INSERT INTO area_alias (alias, area_id) VALUES ('台湖镇人民政府', 'taihu')`);
    const refused = await listRefusedRows(db.pool, { batchId: first.batchId });
    expect(await discardRefusedRows(db.pool, [refused[1]!.id], 'test: not ours')).toBe(1);
    const [again] = await reprocessRefusedRows(db.pool, { batchId: first.batchId }, { clock, by: 'test' });
    // Both rows name 台湖 (taihu) for the same month: the retried one is a correction of the first.
    expect(again).toMatchObject({ received: 1, updated: 1, refused: 0 });
    expect((await listRefusedRows(db.pool, { batchId: first.batchId })).map((r) => r.status)).toEqual([
      'reprocessed',
      'discarded',
    ]);
  });
});
