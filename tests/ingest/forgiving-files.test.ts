/**
 * Files as they really arrive (issue #18 item 3): a monthly table with a month column, water samples dated by
 * day or month, a file that matches no format, a district where a street/town was expected, columns nobody
 * reads, and codes written with hyphens. Each is a real-looking file ingested through the steady path.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { detectFormat, ingestFile } from '../../services/ingest/formats/deliveries.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { batchState, refusedCodes, seedRealReference, useTempDir, writeCsv, writeXlsx } from './fixtures.js';

const db = useTestDatabase();
const tmp = useTempDir();
const clock = new ManualClock(new Date('2024-08-01T12:00:00+08:00'));
const input = (origin: string) => ({ sourceId: 'forgiving', adapter: 'manual', origin });

async function ingest(file: string) {
  const format = await detectFormat(file);
  return { format, result: await ingestFile(db.pool, input(path.basename(file)), file, format, clock) };
}

async function stored(series: string, metric: string): Promise<[string, number][]> {
  const { rows } = await db.pool.query<{ ts: Date; value: number }>(
    `SELECT ts, value FROM measurement WHERE series_id = $1 AND metric_id = $2 ORDER BY ts`,
    [series, metric],
  );
  return rows.map((r) => [r.ts.toISOString(), r.value]);
}

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('a monthly table with a month column', () => {
  it('is read as one measurement per row, not as a wide table of unknown metrics', async () => {
    const file = await writeCsv(path.join(tmp(), 'dustfall-2024h1.csv'), [
      ['area', 'month', 'metric', 'value', 'unit'],
      ['北苑街道', '2024-05', 'dust_fall', '5.4', 't/km2/month'],
      ['北苑街道', '2024-06', 'dust_fall', '6.2', 't/km2/month'],
      ['永顺镇', '2024年6月', '降尘量', '4.9', '吨/平方公里·月'],
    ]);
    const { format, result } = await ingest(file);
    expect(format).toBe('long');
    expect(result).toMatchObject({ received: 3, inserted: 3, refused: 0 });
    expect(await stored('beiyuan', 'dust_fall')).toEqual([
      ['2024-04-30T16:00:00.000Z', 5.4],
      ['2024-05-31T16:00:00.000Z', 6.2],
    ]);
    expect(await stored('yongshun', 'dust_fall')).toEqual([['2024-05-31T16:00:00.000Z', 4.9]]);
  });

  it('reads a wide table whose metric column is headed dustfall', async () => {
    const file = await writeCsv(path.join(tmp(), 'dust.csv'), [
      ['area', 'month', 'dustfall (t/km2/month)', 'road-dust-load'],
      ['中仓街道', '2024-04', '4.1', '0.33'],
    ]);
    const { format, result } = await ingest(file);
    expect(format).toBe('wide');
    expect(result.refusals).toEqual([]);
    expect(await stored('zhongcang', 'dust_fall')).toEqual([['2024-03-31T16:00:00.000Z', 4.1]]);
    expect(await stored('zhongcang', 'road_dust_load')).toEqual([['2024-03-31T16:00:00.000Z', 0.33]]);
  });

  it('given to the wide reader, is refused as a whole, naming the long format', async () => {
    const file = await writeCsv(path.join(tmp(), 'forced-wide.csv'), [
      ['area', 'month', 'metric', 'value', 'unit'],
      ['北苑街道', '2024-03', 'dust_fall', '5.0', ''],
    ]);
    const err = await ingestFile(db.pool, input('forced-wide.csv'), file, 'wide', clock).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as Error).message).toMatch(/row 1 has a metric column and a value column.*long format/);
    const { rows } = await db.pool.query(`SELECT 1 FROM refused_row WHERE raw->>'at' LIKE '%forced%'`);
    expect(rows).toEqual([]);
  });
});

describe('water samples dated by day or by month', () => {
  it('are stored at the Shanghai day or month they name', async () => {
    const file = await writeXlsx(path.join(tmp(), '2024年6月地表水监测结果.xlsx'), [
      {
        name: '监测结果',
        rows: [
          ['2024年6月通州区地表水断面监测结果'],
          ['断面', '采样日期', '监测项目', '结果', '单位'],
          ['吴村', '2024-06-12', '氨氮', '0.82', 'mg/L'],
          ['吴村', '2024-06', '化学需氧量', '21', 'mg/L'],
          ['吴村', '2024年5月', '总磷', '0.15', 'mg/L'],
        ],
      },
    ]);
    const { format, result } = await ingest(file);
    expect(format).toBe('long');
    expect(result.refusals).toEqual([]);
    expect(result).toMatchObject({ received: 3, inserted: 3 });
    expect(await stored('chaobaihe_wucun', 'nh3n')).toEqual([['2024-06-11T16:00:00.000Z', 0.82]]);
    expect(await stored('chaobaihe_wucun', 'cod')).toEqual([['2024-05-31T16:00:00.000Z', 21]]);
    expect(await stored('chaobaihe_wucun', 'tp')).toEqual([['2024-04-30T16:00:00.000Z', 0.15]]);
  });

  it('a monthly PM2.5 mean is still refused: PM2.5 is stored hour by hour', async () => {
    const file = await writeCsv(path.join(tmp(), 'pm25-monthly.csv'), [
      ['站点', '月份', '指标', '数值'],
      ['st_beiyuan_1', '2024-06', 'PM2.5', '31'],
    ]);
    const { result } = await ingest(file);
    expect(await refusedCodes(db.pool, result.batchId)).toEqual(['MISALIGNED_TIMESTAMP']);
  });
});

describe('a file whose columns match no format', () => {
  it('says which formats it was compared with and what each lacked', async () => {
    const file = await writeCsv(path.join(tmp(), 'ledger.csv'), [
      ['工地名称', '所属街道', '开工日期', '负责人'],
      ['某某工地', '北苑街道', '2024-03-01', '张三'],
    ]);
    const err = (await detectFormat(file).catch((e) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    const text = err.message;
    expect(text).toContain('ledger.csv: format not recognised');
    expect(text).toContain('工地名称, 所属街道, 开工日期, 负责人');
    expect(text).toMatch(/long 长表 \(long\): row 1 lacks time .*series .*metric .*value/);
    expect(text).toMatch(/wide 宽表 \(wide\): row 1 lacks street\/town/);
    expect(text).toMatch(/city ranking 排名 \(city_ranking\): row 1 lacks period/);
    expect(text).toMatch(/sand-dust 沙尘 \(sand_dust\): row 1 lacks start/);
    expect(text).toMatch(/warning 预警 \(warning\): row 1 lacks external_id/);
    expect(err.details.map((d) => d.reason?.split(':')[0])).toEqual([
      'city_ranking',
      'warning',
      'sand_dust',
      'long',
      'wide',
    ]);
  });
});

describe('a district where a street/town was expected', () => {
  it('alone in a sand-dust period is the whole district', async () => {
    const file = await writeCsv(path.join(tmp(), 'sand.csv'), [
      ['开始时间', '结束时间', '区', '街道乡镇', '来源'],
      ['2024-04-11', '2024-04-11', '', '通州区', '北京市生态环境监测中心'],
    ]);
    const { result } = await ingest(file);
    expect(result).toMatchObject({ inserted: 1, refused: 0 });
    const { rows } = await db.pool.query(
      `SELECT district_id, area_id FROM sand_dust_period WHERE batch_id = $1`,
      [result.batchId],
    );
    expect(rows).toEqual([{ district_id: 'tongzhou', area_id: null }]);
  });

  it('mixed with streets/towns or against the district column, is refused with the hint', async () => {
    const file = await writeCsv(path.join(tmp(), 'warnings.csv'), [
      ['预警编号', '预警级别', '开始时间', '区', '范围', '发布单位'],
      ['W-1', '黄色', '2024-02-05T20:00:00+08:00', '通州区', '通州区、永顺镇', '指挥部办公室'],
      ['W-2', '橙色', '2024-02-06T20:00:00+08:00', '通州区', '北京经济技术开发区', '指挥部办公室'],
      ['W-3', '蓝色', '2024-02-07T20:00:00+08:00', '', '通州区', '指挥部办公室'],
    ]);
    const { result } = await ingest(file);
    expect(result).toMatchObject({ received: 3, inserted: 1, refused: 2 });
    const { rows } = await db.pool.query<{ reason_code: string; reason_detail: string }>(
      `SELECT reason_code, reason_detail FROM refused_row WHERE batch_id = $1 ORDER BY row_number`,
      [result.batchId],
    );
    expect(rows.map((r) => r.reason_code)).toEqual(['DISTRICT_AS_AREA', 'DISTRICT_AS_AREA']);
    expect(rows[0]!.reason_detail).toContain('“通州区”是区，请填在“区”列');
    expect(rows[0]!.reason_detail).toContain('put it in the district column');
    const { rows: kept } = await db.pool.query(
      `SELECT external_id, district_id, area_ids FROM heavy_pollution_warning WHERE batch_id = $1`,
      [result.batchId],
    );
    expect(kept).toEqual([{ external_id: 'W-3', district_id: 'tongzhou', area_ids: [] }]);
  });
});

describe('columns present but unused', () => {
  it('are reported once per batch, not per row', async () => {
    const file = await writeCsv(path.join(tmp(), 'hourly-extra.csv'), [
      ['time', 'series', 'metric', 'value', '采样人', '备注2'],
      ['2024-07-01T08:00:00+08:00', 'st_beiyuan_1', 'pm25', '30', '李四', ''],
      ['2024-07-01T09:00:00+08:00', 'st_beiyuan_1', 'pm25', '32', '李四', 'x'],
    ]);
    const { result } = await ingest(file);
    expect(result).toMatchObject({ inserted: 2, refused: 0 });
    expect(result.unusedColumns).toEqual(['采样人, 备注2']);
    expect((await batchState(db.pool, result.batchId)).status).toBe('done');
  });
});

describe('codes written with hyphens', () => {
  it('find the station and the metric whose ids have underscores', async () => {
    const file = await writeCsv(path.join(tmp(), 'hyphens.csv'), [
      ['time', 'station_code', 'metric', 'value'],
      ['2024-07-02T08:00:00+08:00', 'st-beiyuan-1', 'pm25', '41'],
      ['2024-07', 'beiyuan', 'dust-fall', '5.5'],
    ]);
    const { result } = await ingest(file);
    expect(result.refusals).toEqual([]);
    expect(await stored('st_beiyuan_1', 'pm25')).toContainEqual(['2024-07-02T00:00:00.000Z', 41]);
    expect(await stored('beiyuan', 'dust_fall')).toContainEqual(['2024-06-30T16:00:00.000Z', 5.5]);
  });
});
