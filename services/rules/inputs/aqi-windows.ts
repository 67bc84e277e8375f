/**
 * Heavy-pollution day counts over scope_daily_aqi (daily AQI by the HJ 633 version in force that day) for
 * many windows in one query. A day counts as heavy when its AQI is above `above` (重度污染 starts at 201,
 * standards.md §4). The data version is that of the day's pollutant values in scope_daily.
 */
import type { Queryable } from '../../db/queryable.js';
import { daysBetween } from '../../time/shanghai.js';
import { WINDOW_CTES, windowParams, type Window } from './series-windows.js';

/** The pollutants a daily AQI is computed from (services/store/rollups.ts); their changes move the AQI. */
export const AQI_INPUT_METRICS = ['pm25', 'pm10', 'so2', 'no2', 'co', 'o3_8h'] as const;

export interface AqiStats {
  /** Non-excluded days with an AQI. */
  days: number;
  heavy: number;
  /** The heavy days themselves (YYYY-MM-DD, in order), named in explanations. */
  heavyDays: string[];
  expected: number;
  minVersion: number | null;
  maxVersion: number | null;
}

export async function readAqiWindows(
  db: Queryable,
  above: number,
  windows: readonly Window[],
): Promise<Map<string, AqiStats>> {
  const out = new Map<string, AqiStats>();
  if (windows.length === 0) return out;
  const excl = windows.flatMap((w) => w.excluded.map((d) => [w.key, d] as const));
  const { rows } = await db.query<{
    k: string;
    days: number;
    heavy: number;
    heavy_days: string[] | null;
    min_version: number | null;
    max_version: number | null;
  }>(
    `WITH ${WINDOW_CTES},
          c AS (SELECT w.k, count(a.day)::int AS days, (count(a.day) FILTER (WHERE a.aqi > $1))::int AS heavy,
                       array_agg(a.day::text ORDER BY a.day) FILTER (WHERE a.aqi > $1) AS heavy_days
                  FROM w
                  LEFT JOIN scope_daily_aqi a
                    ON a.scope_id = w.scope_id AND a.day BETWEEN w.d_from AND w.d_to
                   AND NOT EXISTS (SELECT 1 FROM x WHERE x.k = w.k AND x.d = a.day)
                 GROUP BY w.k)
     SELECT w.k, c.days, c.heavy, c.heavy_days, v.min_version, v.max_version
       FROM w
       JOIN c ON c.k = w.k
       LEFT JOIN LATERAL (
         SELECT min(sd.min_version)::int AS min_version, max(sd.min_version)::int AS max_version
           FROM scope_daily sd
          WHERE sd.scope_id = w.scope_id AND sd.metric_id = ANY ($8) AND sd.day BETWEEN w.d_from AND w.d_to AND sd.valid
       ) v ON true`,
    [above, ...windowParams(windows, excl), AQI_INPUT_METRICS],
  );
  const byKey = new Map(windows.map((w) => [w.key, w]));
  for (const r of rows) {
    const w = byKey.get(r.k)!;
    out.set(r.k, {
      days: r.days,
      heavy: r.heavy,
      heavyDays: r.heavy_days ?? [],
      expected: Math.max(0, daysBetween(w.from, w.to) + 1 - w.excluded.length),
      minVersion: r.min_version,
      maxVersion: r.max_version,
    });
  }
  return out;
}

/** The last day with a daily AQI per scope in [from, until]. */
export async function lastAqiDays(
  db: Queryable,
  scopeIds: readonly string[],
  from: string,
  until: string,
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ scope_id: string; d: string | null }>(
    `SELECT s.scope_id,
            (SELECT max(day)::text FROM scope_daily_aqi a WHERE a.scope_id = s.scope_id AND a.day BETWEEN $1 AND $2) AS d
       FROM unnest($3::text[]) AS s(scope_id)`,
    [from, until, scopeIds],
  );
  return new Map(rows.filter((r) => r.d).map((r) => [r.scope_id, r.d!]));
}
