/**
 * Validation of one raw measurement into a storable row, or a refusal with a reason code. Every route in
 * (file drop, HTTP pull and push, bulk, re-processing) funnels its rows through here, so the same input is
 * judged the same way whatever its route.
 */
import type { Queryable } from '../db/queryable.js';
import type { MeasurementRow } from '../store/measurement-queries.js';
import { readRawRetentionDays } from '../store/storage-mode.js';
import { DAY, HOUR } from '../time/shanghai.js';
import { parseBarePeriodStart, parseInstant } from './parse-time.js';
import {
  normaliseName,
  normaliseUnit,
  type MetricInfo,
  type ReferenceIndex,
  type SeriesInfo,
} from './reference-index.js';
import { refuse, type Refusal } from './refusal-reasons.js';
import { findUnsafeText } from './safe-text.js';
import { shanghaiDayOf, shanghaiDayStartMs } from './shanghai-fast.js';

export { REFUSAL_REASONS, type RefusalCode } from './refusal-reasons.js';

export interface RawMeasurement {
  time: string;
  series: string;
  metric: string;
  value: string | number | null;
  unit?: string | null;
  flags?: string | null;
  version?: string | null;
  /** The zone the delivery declares for zone-less times (a header, a source's time_zone); never guessed. */
  zone?: string | null;
  /** Where in the delivery the value sat (sheet and cell), for the person fixing a refused row. */
  at?: string | null;
}

export type ValidationOutcome = { ok: true; row: MeasurementRow } | Refusal;

// Clock skew between a feed and us: an hour stamped a few minutes ahead is not "in the future".
const FUTURE_TOLERANCE = HOUR;

/**
 * Flags that mark a value as not valid (GB 3095-2026 §6.3: excluded data keep their raw record). They are
 * stored as the canonical `invalid`, which the rollups leave out of every mean. A source maps its own codes
 * (maintenance, calibration, …) to `invalid` in its configuration.
 */
const INVALID_FLAGS = new Set(['invalid', '无效', '无效数据']);

export function parseDataVersion(v: string | null | undefined): 0 | 1 | null {
  if (v === null || v === undefined || v.trim() === '') return 0;
  const s = v.trim().toLowerCase();
  if (['provisional', 'realtime', 'real-time', 'raw', '0', '实时', '原始', '未审核'].includes(s)) return 0;
  if (['audited', 'final', '1', '审核', '已审核', '审核后'].includes(s)) return 1;
  return null;
}

const NO_FLAGS: readonly string[] = Object.freeze([]);

export function parseFlags(flags: string | null | undefined): readonly string[] {
  if (!flags) return NO_FLAGS;
  const out = new Set<string>();
  for (const f of flags.split(/[;,|，；]/)) {
    // Control characters are never part of a flag (and \x1f separates rows on the way to the database).
    // eslint-disable-next-line no-control-regex
    const t = f.replace(/[\u0000-\u001f]/g, '').trim();
    if (t !== '') out.add(INVALID_FLAGS.has(t.toLowerCase()) ? 'invalid' : t);
  }
  return [...out];
}

function isBlank(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Memos of one reference index: feeds repeat the same time, station and metric texts row after row. */
interface Memo {
  series: Map<string, SeriesInfo | null>;
  metrics: Map<string, MetricInfo | null>;
  times: Map<string, Date | Refusal>;
  /** Shanghai day by instant (ms): the validity check needs it for every row. */
  days: Map<number, string>;
}
const MEMO_LIMIT = 20_000;
const memos = new WeakMap<ReferenceIndex, Memo>();

function memoOf(ref: ReferenceIndex): Memo {
  let m = memos.get(ref);
  if (!m) memos.set(ref, (m = { series: new Map(), metrics: new Map(), times: new Map(), days: new Map() }));
  return m;
}

/**
 * A string read from a file is often a slice of the whole chunk it came in: kept as a key, it would keep the
 * chunk alive (64 KB for a 20-byte time). Keys are copied into strings of their own when stored.
 */
function ownCopy<K>(key: K): K {
  return (typeof key === 'string' ? Buffer.from(key, 'utf8').toString('utf8') : key) as K;
}

function remember<K, V>(map: Map<K, V>, key: K, compute: () => V): V {
  const hit = map.get(key);
  if (hit !== undefined || map.has(key)) return hit as V;
  if (map.size >= MEMO_LIMIT) map.clear(); // bounded: a feed with endless distinct texts does not grow memory
  const v = compute();
  map.set(ownCopy(key), v);
  return v;
}

export interface ValidationLimits {
  /**
   * The raw-data retention in force (days, 0 = none). A row older than it is refused: its partition or chunk
   * is dropped, and its day's rollups recomputed from that one row would replace the means kept from the full
   * data (migration 0052).
   */
  rawRetentionDays: number;
}

const NO_LIMITS: ValidationLimits = { rawRetentionDays: 0 };

/** The limits in force, read once per batch (the retention the last storage-policy run recorded). */
export async function loadValidationLimits(db: Queryable): Promise<ValidationLimits> {
  return { rawRetentionDays: await readRawRetentionDays(db) };
}

// Decimal only: Number() also reads 0x10 as 16, 0b11 and 0o7 — never how a measured value is written.
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseDecimal(text: string): number {
  const t = text.trim();
  return DECIMAL.test(t) ? Number(t) : Number.NaN;
}

export function validateMeasurement(
  raw: RawMeasurement,
  ref: ReferenceIndex,
  now: Date,
  limits: ValidationLimits = NO_LIMITS,
  /** The caller refused unsafe text already (ingestRecords): not walked a second time. */
  textChecked = false,
): ValidationOutcome {
  if (isBlank(raw.time) || isBlank(raw.series) || isBlank(raw.metric) || isBlank(raw.value)) {
    const missing = (['time', 'series', 'metric', 'value'] as const).filter((k) => isBlank(raw[k]));
    return refuse('MISSING_FIELD', missing.join(', '));
  }
  // The bulk path validates here without ingestRecords: a NUL would break its COPY, a refusal would not.
  const unsafe = textChecked ? null : findUnsafeText(raw);
  if (unsafe) return refuse('UNSAFE_TEXT', unsafe);
  const memo = memoOf(ref);
  const time = String(raw.time).trim();
  const seriesName = String(raw.series).trim();
  const metricName = String(raw.metric);

  const metric = remember(memo.metrics, metricName, () => ref.metrics.get(normaliseName(metricName)) ?? null);
  if (!metric) return refuse('UNKNOWN_METRIC', metricName);

  const zone = raw.zone ?? null;
  // The key names the zone and the resolution only when they matter (a zone given, a non-hourly metric).
  const key =
    zone === null && metric.resolution === 'hour' ? time : `${time}|${zone ?? ''}|${metric.resolution}`;
  const ts = remember(memo.times, key, () => parseTime(time, zone, metric));
  if (!(ts instanceof Date)) return ts;
  if (ts.getTime() > now.getTime() + FUTURE_TOLERANCE) return refuse('FUTURE_TIMESTAMP', time);
  if (limits.rawRetentionDays > 0 && ts.getTime() < now.getTime() - limits.rawRetentionDays * DAY) {
    return refuse('BEYOND_RETENTION', `${time} (${limits.rawRetentionDays} days)`);
  }
  if (!isAligned(ts, metric))
    return refuse('MISALIGNED_TIMESTAMP', `${time} (${metric.id}: ${metric.resolution})`);

  const series = remember(memo.series, seriesName, () => ref.series.get(normaliseName(seriesName)) ?? null);
  if (!series) return refuse('UNKNOWN_SERIES', seriesName);
  const day = remember(memo.days, ts.getTime(), () => shanghaiDayOf(ts));
  if (day < series.validFrom || (series.validTo !== null && day > series.validTo)) {
    return refuse(
      'SERIES_NOT_VALID_THEN',
      `${series.id} ${series.validFrom}..${series.validTo ?? ''}, ${day}`,
    );
  }
  if (!measuresMetric(series, metric)) return refuse('METRIC_NOT_FOR_SERIES', `${metric.id} @ ${series.id}`);

  const value = typeof raw.value === 'number' ? raw.value : parseDecimal(String(raw.value));
  if (!Number.isFinite(value)) return refuse('NOT_A_NUMBER', String(raw.value));
  let factor = 1;
  const unit = raw.unit?.trim();
  if (unit) {
    const f = metric.units.get(normaliseUnit(unit));
    if (f === undefined) return refuse('UNIT_NOT_ACCEPTED', `${unit} → ${metric.id} (${metric.unit})`);
    factor = f;
  }
  const converted = value * factor;
  if (converted < 0) return refuse('NEGATIVE_VALUE', String(raw.value));
  if (
    (metric.plausibleMin !== null && converted < metric.plausibleMin) ||
    (metric.plausibleMax !== null && converted > metric.plausibleMax)
  ) {
    const range = `${metric.plausibleMin ?? ''}..${metric.plausibleMax ?? ''}`;
    return refuse('IMPLAUSIBLE_VALUE', `${converted} ${metric.unit} (${range})`);
  }
  const dataVersion = parseDataVersion(raw.version);
  if (dataVersion === null) return refuse('BAD_VERSION', String(raw.version));
  return {
    ok: true,
    row: {
      ts,
      seriesId: series.id,
      metricId: metric.id,
      value: converted,
      flags: parseFlags(raw.flags),
      dataVersion,
    },
  };
}

function parseTime(time: string, zone: string | null, metric: MetricInfo): Date | Refusal {
  const parsed = parseInstant(time, zone);
  if (parsed.ok) return parsed.date;
  // A bare day or month names a Shanghai natural day or calendar month: unambiguous for daily and monthly
  // metrics, where it is how officials write periods ("2024年3月").
  if (metric.resolution === 'day' || metric.resolution === 'month') {
    const start = parseBarePeriodStart(time, metric.resolution);
    if (start) return start;
  } else if (isAssessedMonthly(metric)) {
    // A water sample's report gives its day (采样日期) or only its month: the class is judged on the month's
    // value (one sample or the mean of the month's samples, standards.md §7), which either places exactly.
    const start = parseBarePeriodStart(time, 'month') ?? parseBarePeriodStart(time, 'day');
    if (start) return start;
  } else if (parseBarePeriodStart(time, 'month') || parseBarePeriodStart(time, 'day')) {
    // A monthly table's PM2.5 column is a monthly mean: stored as an hourly value it would read as one hour.
    return refuse(
      'MISALIGNED_TIMESTAMP',
      `${time}: ${metric.id} is ${metric.resolution === 'hour' ? 'hourly' : 'per sample'}`,
    );
  }
  return refuse(parsed.reason, time);
}

/**
 * Per-sample parameters whose values are assessed month by month: surface water (GB 3838, single-factor class
 * of the monthly value). A bare day stands for that Shanghai day, a bare month for its first day.
 */
function isAssessedMonthly(metric: MetricInfo): boolean {
  return metric.resolution === 'sample' && metric.domain === 'water';
}

/** ts is the start of the value's period: the hour, the Shanghai day or the Shanghai month. */
function isAligned(ts: Date, metric: MetricInfo): boolean {
  switch (metric.resolution) {
    case 'hour':
      return ts.getTime() % HOUR === 0;
    case 'day':
      return shanghaiDayStartMs(shanghaiDayOf(ts)) === ts.getTime();
    case 'month': {
      const day = shanghaiDayOf(ts);
      return day.endsWith('-01') && shanghaiDayStartMs(day) === ts.getTime();
    }
    case 'sample':
      return true;
  }
}

/** Water parameters belong to water sections and nothing else does; areas and districts carry the rest. */
function measuresMetric(series: SeriesInfo, metric: MetricInfo): boolean {
  const isWater = metric.domain === 'water';
  if (series.siteKind === 'water_section') return isWater;
  return !isWater;
}
