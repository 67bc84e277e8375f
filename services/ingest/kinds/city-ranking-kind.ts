/**
 * City-wide (全市) rankings as the city publishes them (standards.md §8): every Beijing street/town with its
 * rank, the number ranked and the ranked value, monthly (PM2.5, TSP, road dust load, uncontrolled bare land;
 * 002:2404-2451) or semi-monthly (TSP). Kept whole in `city_ranking`; monthly ranks of our own streets/towns
 * are mirrored into `measurement` as `city_rank_<metric>` with the flag `ranked:<N>`, which is how the
 * targets and reports read them (services/reports/queries/city-rank-queries.ts).
 */
import { z } from 'zod';
import type { Queryable } from '../../db/queryable.js';
import {
  ensurePartitionsFor,
  upsertMeasurements,
  type MeasurementRow,
} from '../../store/measurement-queries.js';
import { monthEndDay, shanghaiInstant } from '../../time/shanghai.js';
import type { RecordKind, Validated } from '../record-kind.js';
import { refuse } from '../refusal-reasons.js';
import { loadReferenceIndex, normaliseName, normaliseUnit, type ReferenceIndex } from '../reference-index.js';
import { writeCityRankings, type CityRankingRow } from './city-ranking-queries.js';

export interface RawRanking {
  period: string;
  metric: string;
  rank: string | number;
  n_ranked: string | number;
  district?: string | null;
  area: string;
  value?: string | number | null;
  unit?: string | null;
  at?: string | null;
}

const text = z.union([z.string(), z.number()]).transform(String);
const rawRankingSchema = z.object({
  period: text,
  metric: text,
  rank: z.union([z.string(), z.number()]),
  n_ranked: z.union([z.string(), z.number()]),
  district: z.string().nullish(),
  area: text,
  value: z.union([z.string(), z.number(), z.null()]).nullish(),
  unit: z.string().nullish(),
  at: z.string().nullish(),
}) as z.ZodType<RawRanking>;

/** The ranked quantity → the measurement metric its monthly rank is mirrored to (config/reference/metrics.yaml). */
export const RANK_METRIC_OF: Readonly<Record<string, string>> = {
  pm25: 'city_rank_pm25',
  tsp: 'city_rank_tsp',
  road_dust_load: 'city_rank_road_dust_load',
  uncontrolled_bare_land_area: 'city_rank_bare_land',
};

const PERIOD = /^(\d{4})\s*(?:-|\/|年)\s*(\d{1,2})\s*月?\s*(?:[-\s]?(上半月|下半月|上|下|h1|h2|1|2))?$/i;

export function parseRankingPeriod(
  text: string,
): { kind: 'month' | 'half_month'; start: string; end: string } | null {
  const m = PERIOD.exec(text.normalize('NFKC').trim().toLowerCase());
  if (!m) return null;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return null;
  const key = `${m[1]}-${String(month).padStart(2, '0')}`;
  const half = m[3];
  if (!half) return { kind: 'month', start: `${key}-01`, end: monthEndDay(key) };
  const first = ['上半月', '上', 'h1', '1'].includes(half);
  return first
    ? { kind: 'half_month', start: `${key}-01`, end: `${key}-15` }
    : { kind: 'half_month', start: `${key}-16`, end: monthEndDay(key) };
}

function positiveInt(v: string | number): number | null {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  return Number.isInteger(n) && n >= 1 ? n : null;
}

export function validateRanking(raw: RawRanking, ref: ReferenceIndex, now: Date): Validated<CityRankingRow> {
  const missing = (['period', 'metric', 'rank', 'n_ranked', 'area'] as const).filter(
    (k) => String(raw[k] ?? '').trim() === '',
  );
  if (missing.length > 0) return refuse('MISSING_FIELD', missing.join(', '));
  const period = parseRankingPeriod(String(raw.period));
  if (!period) return refuse('BAD_PERIOD', String(raw.period));
  const start = shanghaiInstant(period.start);
  if (start.getTime() > now.getTime()) return refuse('FUTURE_TIMESTAMP', String(raw.period));
  const metric = ref.metrics.get(normaliseName(String(raw.metric)));
  if (!metric || !RANK_METRIC_OF[metric.id])
    return refuse('UNKNOWN_METRIC', `${raw.metric} (${Object.keys(RANK_METRIC_OF).join(', ')})`);
  const rank = positiveInt(raw.rank);
  const nRanked = positiveInt(raw.n_ranked);
  if (rank === null || nRanked === null || rank > nRanked)
    return refuse('BAD_RANK', `${raw.rank} / ${raw.n_ranked}`);

  const areaName = String(raw.area).trim();
  const districtName = raw.district?.trim() || null;
  const districtId = districtName ? (ref.districts.get(normaliseName(districtName)) ?? null) : null;
  const found = ref.series.get(normaliseName(areaName));
  const area = found?.kind === 'area' && (!districtName || found.districtId === districtId) ? found : null;
  // A street/town of a district we watch must be one we know: a misspelt name would otherwise read as
  // "another district's unit" and its rank would silently be lost to its target.
  if (districtId && !area) return refuse('UNKNOWN_AREA', `${districtName} ${areaName}`);
  if (area && (period.start < area.validFrom || (area.validTo !== null && period.start > area.validTo))) {
    return refuse('SERIES_NOT_VALID_THEN', `${area.id} ${area.validFrom}..${area.validTo ?? ''}`);
  }

  let value: number | null = null;
  if (raw.value !== null && raw.value !== undefined && String(raw.value).trim() !== '') {
    const v = typeof raw.value === 'number' ? raw.value : Number(String(raw.value).trim());
    if (!Number.isFinite(v)) return refuse('NOT_A_NUMBER', String(raw.value));
    const factor = raw.unit?.trim() ? metric.units.get(normaliseUnit(raw.unit)) : 1;
    if (factor === undefined)
      return refuse('UNIT_NOT_ACCEPTED', `${raw.unit} → ${metric.id} (${metric.unit})`);
    value = v * factor;
    if (value < 0) return refuse('NEGATIVE_VALUE', String(raw.value));
    if (metric.plausibleMax !== null && value > metric.plausibleMax)
      return refuse('IMPLAUSIBLE_VALUE', `${value} ${metric.unit}`);
  }
  const unitKey = area ? area.id : `${normaliseName(districtName ?? '')}|${normaliseName(areaName)}`;
  const row: CityRankingRow = {
    metricId: metric.id,
    periodKind: period.kind,
    periodStart: period.start,
    periodEnd: period.end,
    unitKey,
    unitName: areaName,
    districtName,
    areaId: area?.id ?? null,
    rank,
    nRanked,
    value,
  };
  return { ok: true, row, key: `${metric.id}|${period.kind}|${period.start}|${unitKey}`, dataAt: start };
}

function mirrorRows(rows: readonly CityRankingRow[]): MeasurementRow[] {
  return rows
    .filter((r) => r.periodKind === 'month' && r.areaId !== null)
    .map((r) => ({
      ts: shanghaiInstant(r.periodStart),
      seriesId: r.areaId!,
      metricId: RANK_METRIC_OF[r.metricId]!,
      value: r.rank,
      flags: [`ranked:${r.nRanked}`],
      // Published ranks are final as published; a corrected list replaces them (same version, new value).
      dataVersion: 1 as const,
    }));
}

export const cityRankingKind: RecordKind<RawRanking, CityRankingRow> = {
  id: 'city_ranking',
  rawSchema: rawRankingSchema,
  async prepare(db: Queryable) {
    const ref = await loadReferenceIndex(db);
    return (raw, now) => validateRanking(raw, ref, now);
  },
  async beforeWrite(db, rows) {
    const mirror = mirrorRows(rows);
    if (mirror.length === 0) return;
    const times = mirror.map((m) => m.ts.getTime());
    await ensurePartitionsFor(db, new Date(Math.min(...times)), new Date(Math.max(...times)));
  },
  async write(tx, rows, meta) {
    const counts = await writeCityRankings(tx, rows, meta);
    await upsertMeasurements(tx, mirrorRows(rows), meta);
    return { ...counts, refused: [] };
  },
};
