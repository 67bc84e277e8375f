/**
 * Validation of one raw measurement row into a storable row, or a refusal with a reason code. Every
 * adapter (file drop, HTTP pull/push, bulk) funnels its rows through here, so the same input is judged
 * the same way whatever its route.
 */
import type { MeasurementRow } from '../store/measurement-queries.js';
import { HOUR, toShanghaiDay } from '../time/shanghai.js';
import { normaliseName, type ReferenceIndex } from './reference-index.js';

export interface RawMeasurement {
  time: string;
  series: string;
  metric: string;
  value: string | number | null;
  unit?: string | null;
  flags?: string | null;
  version?: string | null;
}

export const REFUSAL_REASONS = {
  MISSING_FIELD: 'a required field is empty',
  BAD_TIMESTAMP: 'the time is not an ISO 8601 timestamp',
  MISSING_TIMEZONE: 'the time has no zone offset (write +08:00 or Z)',
  FUTURE_TIMESTAMP: 'the time is in the future',
  MISALIGNED_TIMESTAMP: 'an hourly value must start on the hour',
  UNKNOWN_SERIES: 'no station, site or street/town has this id or alias',
  SERIES_NOT_VALID_THEN: 'the street/town or site did not exist at that time',
  UNKNOWN_METRIC: 'unknown metric',
  UNIT_NOT_ACCEPTED: 'the unit is not accepted for this metric',
  NOT_A_NUMBER: 'the value is not a finite number',
  NEGATIVE_VALUE: 'the value is negative',
  IMPLAUSIBLE_VALUE: 'the value is outside the plausible range for this metric',
  BAD_VERSION: 'data version must be provisional or audited',
  DUPLICATE_IN_BATCH: 'the same series, metric and time appear twice in this batch',
} as const;

export type RefusalCode = keyof typeof REFUSAL_REASONS;

export type ValidationOutcome =
  | { ok: true; row: MeasurementRow }
  | { ok: false; code: RefusalCode; detail: string };

const ZONED_ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const UNZONED_ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
// Clock skew between a feed and us: an hour stamped a few minutes ahead is not "in the future".
const FUTURE_TOLERANCE = HOUR;

function refuse(code: RefusalCode, extra?: string): ValidationOutcome {
  return { ok: false, code, detail: extra ? `${REFUSAL_REASONS[code]}: ${extra}` : REFUSAL_REASONS[code] };
}

export function parseDataVersion(v: string | null | undefined): 0 | 1 | null {
  if (v === null || v === undefined || v === '') return 0;
  const s = v.trim().toLowerCase();
  if (['provisional', 'realtime', 'raw', '0', '实时', '原始'].includes(s)) return 0;
  if (['audited', 'final', '1', '审核', '已审核'].includes(s)) return 1;
  return null;
}

export function validateMeasurement(raw: RawMeasurement, ref: ReferenceIndex, now: Date): ValidationOutcome {
  const time = raw.time?.trim();
  const seriesName = raw.series?.trim();
  const metricId = raw.metric?.trim().toLowerCase();
  if (!time || !seriesName || !metricId || raw.value === null || raw.value === '') {
    return refuse('MISSING_FIELD', ['time', 'series', 'metric', 'value'].filter((k) => !raw[k as keyof RawMeasurement]).join(', '));
  }
  if (!ZONED_ISO.test(time)) {
    return UNZONED_ISO.test(time) ? refuse('MISSING_TIMEZONE', time) : refuse('BAD_TIMESTAMP', time);
  }
  const ts = new Date(time.replace(' ', 'T'));
  if (Number.isNaN(ts.getTime())) return refuse('BAD_TIMESTAMP', time);
  if (ts.getTime() > now.getTime() + FUTURE_TOLERANCE) return refuse('FUTURE_TIMESTAMP', time);

  const metric = ref.metrics.get(metricId);
  if (!metric) return refuse('UNKNOWN_METRIC', metricId);
  if (metric.resolution === 'hour' && ts.getTime() % HOUR !== 0) return refuse('MISALIGNED_TIMESTAMP', time);

  const series = ref.series.get(normaliseName(seriesName));
  if (!series) return refuse('UNKNOWN_SERIES', seriesName);
  const day = toShanghaiDay(ts);
  if (day < series.validFrom || (series.validTo !== null && day > series.validTo)) {
    return refuse('SERIES_NOT_VALID_THEN', `${series.id} valid ${series.validFrom}..${series.validTo ?? ''}`);
  }

  const value = typeof raw.value === 'number' ? raw.value : Number(String(raw.value).trim());
  if (!Number.isFinite(value)) return refuse('NOT_A_NUMBER', String(raw.value));
  let factor = 1;
  const unit = raw.unit?.trim();
  if (unit && unit !== metric.unit) {
    const f = metric.conversions[unit];
    if (f === undefined) return refuse('UNIT_NOT_ACCEPTED', `${unit} for ${metric.id} (expected ${metric.unit})`);
    factor = f;
  }
  const converted = value * factor;
  if (converted < 0) return refuse('NEGATIVE_VALUE', String(value));
  if (
    (metric.plausibleMin !== null && converted < metric.plausibleMin) ||
    (metric.plausibleMax !== null && converted > metric.plausibleMax)
  ) {
    return refuse('IMPLAUSIBLE_VALUE', `${converted} ${metric.unit} (plausible ${metric.plausibleMin ?? ''}..${metric.plausibleMax ?? ''})`);
  }
  const dataVersion = parseDataVersion(raw.version);
  if (dataVersion === null) return refuse('BAD_VERSION', String(raw.version));
  const flags = raw.flags
    ? raw.flags
        .split(/[;,|]/)
        .map((f) => f.trim())
        .filter(Boolean)
    : [];
  return { ok: true, row: { ts, seriesId: series.id, metricId: metric.id, value: converted, flags, dataVersion } };
}
