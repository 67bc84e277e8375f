/**
 * Formats of the non-measurement inputs, each a table with one record per row (examples/ingest/README.md):
 *
 *   city ranking:  period, metric, rank, n_ranked, district, area, value, unit
 *                  (期间, 指标, 排名, 参排数, 区, 街道乡镇, 数值, 单位) — period 2024-03 or 2024-03 上半月/下半月
 *   sand-dust:     start, end, district, area, source, note (开始时间, 结束时间, 区, 街道乡镇, 来源, 备注)
 *   warning:       external_id, level, start, end, lifted, district, areas, issuer, measures
 *                  (预警编号, 预警级别, 开始时间, 结束时间, 解除时间, 区, 范围, 发布单位, 措施)
 */
import type { RawRanking } from '../kinds/city-ranking-kind.js';
import type { RawSandDust } from '../kinds/sand-dust-kind.js';
import type { RawWarning } from '../kinds/warning-kind.js';
import type { SourceRecord } from '../record-kind.js';
import { readRecordTable, type ColumnSpec, type ReadNotes, type TableRecord } from './record-table.js';

export const RANKING_COLUMNS = {
  period: { names: ['period', 'month', '期间', '月份', '时段', '排名期间', '统计时段'], required: true },
  metric: { names: ['metric', 'indicator', '指标', '排名指标', '项目'], required: true },
  rank: { names: ['rank', '排名', '名次'], required: true },
  n_ranked: { names: ['n_ranked', 'ranked', '参排数', '参与排名数', '排名总数', '参排总数'], required: true },
  district: { names: ['district', '区', '所属区'] },
  area: { names: ['area', 'unit_name', '街道乡镇', '街乡镇', '街道(乡镇)', '名称'], required: true },
  value: { names: ['value', '数值', '浓度', '值', '面积'] },
  unit: { names: ['unit', '计量单位', '单位'] },
} satisfies Record<string, ColumnSpec>;

export const SAND_DUST_COLUMNS = {
  start: { names: ['start', 'starts_at', '开始时间', '起始时间'], required: true },
  end: { names: ['end', 'ends_at', '结束时间', '截止时间'], required: true },
  district: { names: ['district', '区', '区域'] },
  area: { names: ['area', '街道乡镇', '街乡镇'] },
  source: { names: ['source', '来源', '认定单位', '认定依据'], required: true },
  note: { names: ['note', '备注', '说明'] },
} satisfies Record<string, ColumnSpec>;

export const WARNING_COLUMNS = {
  external_id: { names: ['external_id', 'id', '编号', '预警编号', '文号'], required: true },
  level: { names: ['level', '级别', '预警级别'], required: true },
  start: { names: ['start', 'starts_at', '开始时间', '起始时间', '启动时间'], required: true },
  end: { names: ['end', 'ends_at', '结束时间'] },
  lifted: { names: ['lifted', 'lifted_at', '解除时间'] },
  district: { names: ['district', '区'] },
  areas: { names: ['areas', 'area', '范围', '街道乡镇'] },
  issuer: { names: ['issuer', '发布单位', '发布机构'], required: true },
  measures: { names: ['measures', '措施', '管控措施'] },
} satisfies Record<string, ColumnSpec>;

/** A table format: its columns, and the source record(s) one row of the table becomes. */
function tableFormat<F extends string, Raw>(
  columns: Record<F, ColumnSpec>,
  recordsOf: (r: TableRecord<F>) => SourceRecord<Raw>[],
) {
  return async function* read(file: string, notes?: ReadNotes): AsyncGenerator<SourceRecord<Raw>> {
    for await (const r of readRecordTable(file, columns, notes)) yield* recordsOf(r);
  };
}

/**
 * An event row as a source record: its fields, then the zone its header declared (an event's bounds are
 * instants, read in that zone when they carry none) and where the row stands in the file.
 */
function eventRecord<Raw extends { zone?: string | null; at?: string | null }>(
  r: TableRecord<string>,
  fields: Omit<Raw, 'zone' | 'at'>,
): SourceRecord<Raw> {
  return { row: r.row, raw: { ...fields, zone: r.zone, at: r.at } as Raw };
}

export const readRankingFile = tableFormat(
  RANKING_COLUMNS,
  ({ row, fields: f, units, at }): SourceRecord<RawRanking>[] => [
    {
      row,
      raw: {
        ...f,
        district: f.district || null,
        value: f.value || null,
        unit: f.unit || units.value || null,
        at,
      },
    },
  ],
);

/** A record naming several streets/towns ("永顺镇、梨园镇") becomes one period per street/town (same row). */
export const readSandDustFile = tableFormat(SAND_DUST_COLUMNS, (r) => {
  const f = r.fields;
  const areas = f.area
    .split(/[、,，;；|]/)
    .map((a) => a.trim())
    .filter(Boolean);
  return (areas.length > 0 ? areas : [null]).map((area) =>
    eventRecord<RawSandDust>(r, {
      start: f.start,
      end: f.end,
      district: f.district || null,
      area,
      source: f.source,
      note: f.note || null,
    }),
  );
});

export const readWarningFile = tableFormat(WARNING_COLUMNS, (r) => {
  const f = r.fields;
  return [
    eventRecord<RawWarning>(r, {
      external_id: f.external_id,
      level: f.level,
      start: f.start,
      end: f.end || null,
      lifted: f.lifted || null,
      district: f.district || null,
      areas: f.areas || null,
      issuer: f.issuer,
      measures: f.measures || null,
    }),
  ];
});
