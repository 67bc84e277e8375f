import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFile } from '../../services/ingest/formats/deliveries.js';
import { listCityRankings } from '../../services/ingest/kinds/city-ranking-queries.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { refusedCodes, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();

async function load(
  name: string,
  rows: (string | number)[][],
  format: 'city_ranking' | 'sand_dust' | 'warning',
) {
  const file = await writeCsv(`${tempDir()}/${name}`, rows);
  return ingestFile(
    db.pool,
    { sourceId: `test_${format}`, adapter: 'manual', origin: name },
    file,
    format,
    clock,
  );
}

const RANK_HEADER = ['期间', '指标', '排名', '参排数', '区', '街道乡镇', '数值', '单位'];

describe('city-wide rankings', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('keeps every ranked unit, mirrors our monthly ranks with the number ranked, and refuses what it cannot use', async () => {
    const r = await load(
      'rank-1.csv',
      [
        RANK_HEADER,
        ['2024-04', 'PM2.5', 266, 273, '通州区', '西集镇', 61, 'μg/m³'],
        ['2024-04', 'PM2.5', 3, 273, '怀柔区', '雁栖镇', 22, 'μg/m³'],
        ['2024-04 下半月', 'TSP', 250, 273, '通州区', '永顺镇', 190, 'μg/m³'],
        ['2024-13', 'PM2.5', 1, 273, '通州区', '北苑街道', 30, ''],
        ['2024-04', 'PM2.5', 300, 273, '通州区', '北苑街道', 30, ''],
        ['2024-04', 'PM2.5', 5, 273, '通州区', '北园街道', 30, ''],
        ['2024-04', 'PM10', 5, 273, '通州区', '北苑街道', 30, ''],
        ['2024-04', 'PM2.5', 7, 273, '通州区', '北苑街道', -1, ''],
        ['2024-07', 'PM2.5', 7, 273, '通州区', '北苑街道', 30, ''],
      ],
      'city_ranking',
    );
    expect(r).toMatchObject({ received: 9, inserted: 3, refused: 6 });
    expect(await refusedCodes(db.pool, r.batchId)).toEqual([
      'BAD_PERIOD',
      'BAD_RANK',
      'UNKNOWN_AREA',
      'UNKNOWN_METRIC',
      'NEGATIVE_VALUE',
      'FUTURE_TIMESTAMP',
    ]);
    const april = await listCityRankings(db.pool, { metricId: 'pm25', from: '2024-04-01', to: '2024-04-30' });
    expect(april.map((x) => [x.unit_name, x.area_id, x.rank, x.n_ranked])).toEqual([
      ['雁栖镇', null, 3, 273],
      ['西集镇', 'xiji', 266, 273],
    ]);
    const tsp = await listCityRankings(db.pool, { metricId: 'tsp', from: '2024-04-01', to: '2024-04-30' });
    expect(tsp).toMatchObject([
      {
        period_kind: 'half_month',
        period_start: '2024-04-16',
        period_end: '2024-04-30',
        area_id: 'yongshun',
      },
    ]);
    const { rows: mirror } = await db.pool.query(
      `SELECT series_id, metric_id, value, flags FROM measurement WHERE metric_id LIKE 'city_rank_%' ORDER BY series_id`,
    );
    expect(mirror).toEqual([
      { series_id: 'xiji', metric_id: 'city_rank_pm25', value: 266, flags: ['ranked:273'] },
    ]);
    const { rows: queued } = await db.pool.query(
      `SELECT scope_id, metric_id, day FROM evaluation_queue ORDER BY 1`,
    );
    expect(queued).toEqual([
      { scope_id: 'xiji', metric_id: 'city_rank_pm25', day: '2024-04-01' },
      { scope_id: 'yongshun', metric_id: 'city_rank_tsp', day: '2024-04-16' },
    ]);
  });

  it('a corrected list updates the rank it corrects and leaves the others unchanged', async () => {
    const r = await load(
      'rank-2.csv',
      [
        RANK_HEADER,
        ['2024-04', 'PM2.5', 260, 273, '通州区', '西集镇', 60, 'μg/m³'],
        ['2024-04', 'PM2.5', 3, 273, '怀柔区', '雁栖镇', 22, 'μg/m³'],
      ],
      'city_ranking',
    );
    expect(r).toMatchObject({ received: 2, inserted: 0, updated: 1, unchanged: 1, refused: 0 });
    const { rows } = await db.pool.query(`SELECT rank, revision FROM city_ranking WHERE area_id = 'xiji'`);
    expect(rows).toEqual([{ rank: 260, revision: 1 }]);
  });
});

describe('sand-dust periods', () => {
  it('stores periods for the city, a district and each named street/town, refusing bad ones', async () => {
    const r = await load(
      'sand.csv',
      [
        ['开始时间', '结束时间', '区', '街道乡镇', '来源', '备注'],
        ['2024-04-10T06:00:00+08:00', '2024-04-11T10:00:00+08:00', '', '', '中国环境监测总站', ''],
        ['2024-04-12', '2024-04-12', '通州区', '永顺镇、梨园镇', '市监测中心', ''],
        ['2024-04-13T10:00:00+08:00', '2024-04-13T08:00:00+08:00', '', '', '市监测中心', ''],
        ['2024-04-13', '2024-04-13', '海淀区', '', '市监测中心', ''],
        ['2024-07-01', '2024-07-02', '', '', '市监测中心', ''],
        ['2024-04-14 06:00', '2024-04-14 10:00', '', '', '市监测中心', ''],
      ],
      'sand_dust',
    );
    expect(r).toMatchObject({ received: 7, inserted: 3, refused: 4 });
    expect(await refusedCodes(db.pool, r.batchId)).toEqual([
      'BAD_RANGE',
      'UNKNOWN_DISTRICT',
      'FUTURE_TIMESTAMP',
      'MISSING_TIMEZONE',
    ]);
    const { rows } = await db.pool.query(
      `SELECT district_id, area_id FROM sand_dust_period ORDER BY starts_at, area_id`,
    );
    expect(rows).toEqual([
      { district_id: null, area_id: null },
      { district_id: 'tongzhou', area_id: 'liyuan' },
      { district_id: 'tongzhou', area_id: 'yongshun' },
    ]);
    const { rows: days } = await db.pool.query(
      `SELECT DISTINCT day FROM evaluation_queue WHERE scope_id = 'tongzhou' AND metric_id = 'pm25' ORDER BY day`,
    );
    expect(days).toEqual([{ day: '2024-04-10' }, { day: '2024-04-11' }]);
    const again = await load(
      'sand-again.csv',
      [
        ['start', 'end', 'source'],
        ['2024-04-10T06:00:00+08:00', '2024-04-11T10:00:00+08:00', '中国环境监测总站'],
      ],
      'sand_dust',
    );
    expect(again).toMatchObject({ received: 1, unchanged: 1 });
  });
});

describe('heavy-pollution warnings', () => {
  it('records a warning, updates it when re-delivered with its lift, and refuses an unknown level', async () => {
    const header = ['预警编号', '预警级别', '开始时间', '结束时间', '解除时间', '区', '范围', '发布单位'];
    const first = await load(
      'w1.csv',
      [
        header,
        ['W-1', '橙色', '2024-05-01T00:00:00+08:00', '', '', '通州区', '', '区应急指挥部办公室'],
        ['W-2', '紫色', '2024-05-01T00:00:00+08:00', '', '', '通州区', '', '区应急指挥部办公室'],
      ],
      'warning',
    );
    expect(first).toMatchObject({ received: 2, inserted: 1, refused: 1 });
    expect(await refusedCodes(db.pool, first.batchId)).toEqual(['BAD_LEVEL']);
    const lifted = await load(
      'w2.csv',
      [
        header,
        [
          'W-1',
          '二级',
          '2024-05-01T00:00:00+08:00',
          '2024-05-03T24:00:00+08:00',
          '2024-05-03T12:00:00+08:00',
          '通州区',
          '',
          '区应急指挥部办公室',
        ],
      ],
      'warning',
    );
    expect(lifted).toMatchObject({ received: 1, updated: 1 });
    const { rows } = await db.pool.query<{ level: string; ends_at: Date; lifted_at: Date }>(
      `SELECT level, ends_at, lifted_at FROM heavy_pollution_warning WHERE external_id = 'W-1'`,
    );
    expect(rows[0]!.level).toBe('orange');
    expect(rows[0]!.ends_at.toISOString()).toBe('2024-05-03T16:00:00.000Z');
    expect(rows[0]!.lifted_at.toISOString()).toBe('2024-05-03T04:00:00.000Z');
  });
});
