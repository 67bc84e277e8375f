/**
 * The long format: one measurement per row (examples/ingest/README.md).
 *
 *   time,series,metric,value,unit,flags,version
 *   2024-03-01T08:00:00+08:00,st_beiyuan_1,pm25,48.2,µg/m³,,provisional
 *
 * time carries its zone (or the header declares it: "时间(北京时间)"), or is a bare day or month (a "month" /
 * "月份" or "date" / "采样日期" column) for metrics whose period allows it; series is a station/site id, a
 * street/town id or any name or alias (北苑街道); metric an id or name (PM2.5, 细颗粒物); unit is optional
 * (the metric's canonical unit) and may also sit in the value header ("数值(mg/m³)"); flags are separated
 * by ';'; version is provisional (default) or audited. Chinese headers work too: 时间, 站点, 指标, 数值,
 * 单位, 标记, 数据版本.
 */
import type { SourceRecord } from '../record-kind.js';
import type { RawMeasurement } from '../validate-measurement.js';
import { refuse } from '../refusal-reasons.js';
import { placeOf, readRecordTableChunks, type ColumnSpec, type ReadNotes } from './record-table.js';

export const LONG_COLUMNS = {
  // A day or month column is a time column too: monthly tables (dust fall per street/town) head it 月份 or
  // month, water samples 采样日期; a bare day or month is accepted where the metric's period allows it.
  time: {
    names: [
      'time',
      'datetime',
      'date_time',
      'timestamp',
      'date',
      'month',
      '时间',
      '监测时间',
      '日期时间',
      '采样时间',
      '日期',
      '采样日期',
      '监测日期',
      '月份',
      '监测月份',
      '统计月份',
    ],
    required: true,
  },
  series: {
    names: [
      'series',
      'station',
      'site',
      'area',
      'station_code',
      'section',
      '站点',
      '站点编码',
      '站点名称',
      '点位',
      '街道乡镇',
      '断面',
    ],
    required: true,
  },
  metric: {
    names: ['metric', 'pollutant', 'parameter', '指标', '项目', '监测项目', '污染物'],
    required: true,
  },
  value: { names: ['value', '数值', '浓度', '监测值', '值', '结果'], required: true },
  unit: { names: ['unit', '单位', '计量单位'] },
  flags: { names: ['flags', 'flag', '标记', '标识', '数据标记'] },
  version: { names: ['version', 'data_version', '数据版本', '版本', '审核状态'] },
} satisfies Record<string, ColumnSpec>;

/** Records in chunks as the file is read: the bulk path's input, without an await per row. */
export function readLongFileChunks(
  file: string,
  notes?: ReadNotes,
): AsyncGenerator<SourceRecord<RawMeasurement>[]> {
  return readRecordTableChunks(
    file,
    LONG_COLUMNS,
    (f, meta) => ({
      row: meta.row,
      raw: {
        time: f.time,
        series: f.series,
        metric: f.metric,
        value: f.value,
        unit: f.unit || meta.units.value || null,
        flags: f.flags || null,
        version: f.version || null,
        zone: meta.zone,
        at: placeOf(meta),
      },
      ...(meta.refused ? { refusal: refuse(meta.refused.code, meta.refused.detail) } : {}),
    }),
    notes,
  );
}
