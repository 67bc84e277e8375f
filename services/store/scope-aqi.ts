/**
 * Daily AQI of each touched scope day (layer 2), by the HJ 633 edition in force that day, with the IAQI of
 * every pollutant and the concentrations used. Inputs are the scope's valid daily means (scope_daily: PM2.5,
 * PM10, SO2, NO2, CO) and two ozone statistics derived here from the scope's hourly ozone means:
 *
 *   - o3_8h, the daily maximum 8-hour mean: 8-hour means of the windows ending 08:00…24:00 of the day
 *     (HJ 663 "当日8时至24时"), each valid with ≥ 6 hours (GB 3095-2026 表4); the maximum is valid with
 *     ≥ 14 valid windows, or with fewer when it already exceeds the 160 µg/m³ limit (HJ 663-2013 表2 note);
 *   - o3_1h, the daily maximum hourly mean (a daily indicator under HJ 633-2012 only), with ≥ 20 hours.
 *
 * A day without any valid indicator has no AQI (insufficient data), never 0.
 */
import type { Queryable } from '../db/queryable.js';
import { computeDailyAqi, StandardsError, type AqiConcentrations } from '../standards/index.js';
import { MIN_HOURS_FOR_DAILY_MEAN, MIN_HOURS_FOR_EIGHT_HOUR_MEAN } from '../standards/validity.js';

/** scope_daily metrics that are AQI inputs as they are, and the ozone metric the 8-hour maximum comes from. */
export const AQI_DAILY_METRICS = ['pm25', 'pm10', 'so2', 'no2', 'co'] as const;
export const OZONE_METRIC = 'o3';
const MIN_VALID_8H_WINDOWS = 14;
const O3_8H_LIMIT = 160;

interface DayInput {
  scopeId: string;
  day: string;
  conc: Record<string, number>;
}

/** Refreshes scope_daily_aqi for the (scope, day) pairs of rollup_scope_keys that touch an AQI input. */
export async function refreshScopeAqi(tx: Queryable): Promise<number> {
  const inputs = [...AQI_DAILY_METRICS, OZONE_METRIC];
  await tx.query(
    `CREATE TEMP TABLE rollup_aqi_days ON COMMIT DROP AS
       SELECT DISTINCT scope_id, day FROM rollup_scope_keys WHERE metric_id = ANY ($1)`,
    [inputs],
  );
  // Sized for the planner (see rollups.ts): unanalysed, the join below seq-scanned all of scope_daily.
  await tx.query('ANALYZE rollup_aqi_days');
  const byDay = new Map<string, DayInput>();
  const entry = (scopeId: string, day: string) => {
    const key = `${scopeId}|${day}`;
    let e = byDay.get(key);
    if (!e) byDay.set(key, (e = { scopeId, day, conc: {} }));
    return e;
  };
  // Per touched scope day, its valid means by primary key (an aggregate, so that the planner cannot turn it
  // into a hash join over all of scope_daily).
  const { rows: means } = await tx.query<{
    scope_id: string;
    day: string;
    metrics: string[];
    values: number[];
  }>(
    `SELECT k.scope_id, k.day::text AS day, c.metrics, c.values
       FROM rollup_aqi_days k
       CROSS JOIN LATERAL (
         SELECT array_agg(sd.metric_id) AS metrics, array_agg(sd.value) AS values
           FROM scope_daily sd
          WHERE sd.scope_id = k.scope_id AND sd.metric_id = ANY ($1) AND sd.day = k.day AND sd.valid) c
      WHERE c.metrics IS NOT NULL`,
    [AQI_DAILY_METRICS],
  );
  for (const r of means)
    r.metrics.forEach((metric, i) => (entry(r.scope_id, r.day).conc[metric] = r.values[i]!));
  for (const r of await readOzoneStats(tx)) {
    if (r.o3_8h !== null && (r.n_windows >= MIN_VALID_8H_WINDOWS || r.o3_8h > O3_8H_LIMIT))
      entry(r.scope_id, r.day).conc.o3_8h = r.o3_8h;
    if (r.o3_1h !== null && r.n_hours >= MIN_HOURS_FOR_DAILY_MEAN)
      entry(r.scope_id, r.day).conc.o3_1h = r.o3_1h;
  }

  const out = { scope: [] as string[], day: [] as string[], aqi: [] as number[], level: [] as number[] };
  const extra = {
    primary: [] as string[],
    standard: [] as string[],
    iaqi: [] as string[],
    conc: [] as string[],
  };
  for (const { scopeId, day, conc } of byDay.values()) {
    const result = dailyAqi(day, conc);
    if (!result) continue;
    out.scope.push(scopeId);
    out.day.push(day);
    out.aqi.push(result.aqi);
    out.level.push(result.level);
    extra.primary.push(result.primaryPollutants.join(','));
    extra.standard.push(result.version);
    extra.iaqi.push(JSON.stringify(result.iaqi));
    extra.conc.push(JSON.stringify(result.concentrations));
  }
  await tx.query(
    `DELETE FROM scope_daily_aqi a USING rollup_aqi_days k WHERE a.scope_id = k.scope_id AND a.day = k.day`,
  );
  if (out.scope.length === 0) return 0;
  await tx.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, primary_pollutants, standard, iaqi, concentrations)
     SELECT s, d, a, l, coalesce(string_to_array(nullif(p, ''), ','), '{}'), st, i, c
       FROM unnest($1::text[], $2::date[], $3::int[], $4::smallint[], $5::text[], $6::text[], $7::jsonb[], $8::jsonb[])
         AS t(s, d, a, l, p, st, i, c)`,
    [out.scope, out.day, out.aqi, out.level, extra.primary, extra.standard, extra.iaqi, extra.conc],
  );
  return out.scope.length;
}

/**
 * HJ 633-2012 table note: an O3 8-hour value above 800 µg/m³ takes the 1-hour IAQI instead, so without a
 * valid 1-hour maximum that day has no computable AQI — left out (insufficient data), not guessed.
 */
function dailyAqi(day: string, conc: AqiConcentrations) {
  try {
    return computeDailyAqi(day, conc);
  } catch (err) {
    if (err instanceof StandardsError) return null;
    throw err;
  }
}

export interface OzoneRow {
  scope_id: string;
  day: string;
  o3_8h: number | null;
  n_windows: number;
  o3_1h: number | null;
  n_hours: number;
}

/** The 8-hour windows of a day start at 00:00 … 16:00 (they end 08:00 … 24:00). */
const LAST_WINDOW_START = 16;
const WINDOW_HOURS = 8;

/**
 * The scope's hourly ozone means of each touched day, and the two daily maxima (exported for the test
 * that compares it with the plain SQL definition).
 *
 * Read per run of consecutive touched days of a scope, as one key-range read over the scope's series (a
 * join on the temp table's days instead prunes no partition and matches every stored row of a series
 * against every day), averaged hour by hour. The windows are then taken here from each day's ~24 means,
 * once per day, instead of joining every hour to every window and re-scanning all windows per day in SQL.
 * A series listed twice for a scope counts once (series ids are unique across sites, areas and districts).
 */
export async function readOzoneStats(tx: Queryable): Promise<OzoneRow[]> {
  const { rows } = await tx.query<{ scope_id: string; day: string; hours: number[]; values: number[] }>(
    `WITH runs AS (
       SELECT scope_id, min(day) AS first_day, max(day) AS last_day
         FROM (SELECT scope_id, day, day - (row_number() OVER (PARTITION BY scope_id ORDER BY day))::int AS run
                 FROM rollup_aqi_days) d
        GROUP BY scope_id, run
     ),
     hourly AS (
       SELECT r.scope_id, h.ts, h.v
         FROM runs r
         CROSS JOIN LATERAL (
           SELECT m.ts, avg(m.value) AS v
             FROM measurement m
            WHERE m.series_id = ANY (ARRAY(SELECT ss.series_id FROM scope_series ss WHERE ss.scope_id = r.scope_id))
              AND m.metric_id = $1
              AND m.ts >= r.first_day::timestamp AT TIME ZONE 'Asia/Shanghai'
              AND m.ts < (r.last_day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
              AND NOT ('invalid' = ANY (m.flags))
            GROUP BY m.ts) h
     )
     SELECT scope_id, day::text AS day,
            -- the hour of the day each mean belongs to (whole hours since the day's start)
            array_agg(floor(date_part('epoch', ts - day::timestamp AT TIME ZONE 'Asia/Shanghai') / 3600)::int
                      ORDER BY ts) AS hours,
            array_agg(v ORDER BY ts) AS values
       FROM (SELECT scope_id, (ts AT TIME ZONE 'Asia/Shanghai')::date AS day, ts, v FROM hourly) h
      GROUP BY scope_id, day`,
    [OZONE_METRIC],
  );
  return rows.map((r) => ({ scope_id: r.scope_id, day: r.day, ...ozoneDayStats(r.hours, r.values) }));
}

/**
 * A day's ozone statistics from its hourly means (in time order, with the hour of the day of each): every
 * 8-hour window starting at 00:00 … 16:00 with at least MIN_HOURS_FOR_EIGHT_HOUR_MEAN values and the
 * largest of their means, and the largest hourly mean with the number of values.
 */
export function ozoneDayStats(
  hours: readonly number[],
  values: readonly number[],
): Omit<OzoneRow, 'scope_id' | 'day'> {
  let o3_8h: number | null = null;
  let nWindows = 0;
  for (let start = 0; start <= LAST_WINDOW_START; start++) {
    let sum = 0;
    let n = 0;
    for (let i = 0; i < hours.length; i++) {
      const h = hours[i]!;
      if (h < start || h >= start + WINDOW_HOURS) continue;
      sum += values[i]!;
      n++;
    }
    if (n < MIN_HOURS_FOR_EIGHT_HOUR_MEAN) continue;
    nWindows++;
    const mean = sum / n;
    if (o3_8h === null || mean > o3_8h) o3_8h = mean;
  }
  return {
    o3_8h,
    n_windows: nWindows,
    o3_1h: values.length > 0 ? Math.max(...values) : null,
    n_hours: values.length,
  };
}
