/**
 * Window statistics over the layer-2 rollups, for many scopes in one query: the mean of the valid daily
 * values (scope_daily: 累计浓度, quarter and annual means) or of the valid monthly values (scope_monthly:
 * dust fall, monthly ranks). A window is a closed range of Shanghai days; monthly windows take the months
 * whose first day falls in the range. Excluded days (sand-dust) are left out of both sum and count.
 */
import type { Queryable } from '../../db/queryable.js';
import { addDays, addMonths, daysBetween, monthEndDay } from '../../time/shanghai.js';
import type { DataVersion } from '../rule-kind.js';

export type SeriesInput = 'daily' | 'monthly';

export interface Window {
  key: string;
  scopeId: string;
  from: string;
  to: string;
  /** Days (daily) or months YYYY-MM (monthly) to leave out. */
  excluded: readonly string[];
}

export interface WindowStats {
  /** Valid, non-excluded days or months. */
  n: number;
  sum: number;
  /** Calendar days or months in the window minus the excluded ones: the coverage denominator. */
  expected: number;
  minVersion: number | null;
  maxVersion: number | null;
}

export function windowMean(s: WindowStats | undefined): number | null {
  return s && s.n > 0 ? s.sum / s.n : null;
}

export function versionOf(...stats: (WindowStats | undefined)[]): DataVersion {
  const seen = stats.filter((s): s is WindowStats => s !== undefined && s.n > 0);
  if (seen.length === 0) return 'none';
  const min = Math.min(...seen.map((s) => s.minVersion ?? 0));
  const max = Math.max(...seen.map((s) => s.maxVersion ?? 0));
  if (min === 1) return 'audited';
  return max === 0 ? 'provisional' : 'mixed';
}

/** Months (YYYY-MM) whose first day lies in [from, to]. */
export function monthsIn(from: string, to: string): string[] {
  const out: string[] = [];
  let m = from.slice(8) === '01' ? from.slice(0, 7) : addMonths(from.slice(0, 7), 1);
  for (; `${m}-01` <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

export async function readWindows(
  db: Queryable,
  input: SeriesInput,
  metricId: string,
  windows: readonly Window[],
): Promise<Map<string, WindowStats>> {
  const out = new Map<string, WindowStats>();
  if (windows.length === 0) return out;
  const totals =
    input === 'daily'
      ? await readDailyHybrid(db, metricId, windows)
      : await aggregate(
          db,
          'scope_monthly',
          metricId,
          windows,
          windows.flatMap((w) => w.excluded.map((m) => [w.key, `${m}-01`] as const)),
        );
  for (const w of windows) {
    const t = totals.get(w.key);
    const span = input === 'daily' ? daysBetween(w.from, w.to) + 1 : monthsIn(w.from, w.to).length;
    out.set(w.key, {
      n: t?.n ?? 0,
      sum: t?.sum ?? 0,
      expected: Math.max(0, span - w.excluded.length),
      minVersion: t?.minVersion ?? null,
      maxVersion: t?.maxVersion ?? null,
    });
  }
  return out;
}

interface Totals {
  n: number;
  sum: number;
  minVersion: number | null;
  maxVersion: number | null;
}

type Segment = Pick<Window, 'key' | 'scopeId' | 'from' | 'to'>;

/**
 * Daily windows read whole calendar months from scope_monthly (sum = mean × valid days) and only the rest —
 * partial months, months touched by an exclusion, months without a valid monthly row — from scope_daily:
 * a year-to-date window costs a dozen month rows instead of hundreds of day rows, which is what keeps a
 * city-wide re-evaluation under a second. Both give the same sum of the same valid days.
 */
async function readDailyHybrid(
  db: Queryable,
  metricId: string,
  windows: readonly Window[],
): Promise<Map<string, Totals>> {
  const days: Segment[] = [];
  // Per window: the whole months it covers as one range [first, last], minus the months an exclusion touches.
  const ranges: {
    key: string;
    scopeId: string;
    first: string;
    last: string;
    skip: string[];
    months: string[];
  }[] = [];
  for (const w of windows) {
    const touched = new Set(w.excluded.map((d) => d.slice(0, 7)));
    const whole = monthsIn(w.from, w.to).filter((m) => monthEndDay(m) <= w.to);
    if (whole.length === 0) {
      days.push(w);
      continue;
    }
    const first = whole[0]!;
    const last = whole.at(-1)!;
    if (w.from < `${first}-01`)
      days.push({ key: w.key, scopeId: w.scopeId, from: w.from, to: addDays(`${first}-01`, -1) });
    if (monthEndDay(last) < w.to)
      days.push({ key: w.key, scopeId: w.scopeId, from: addDays(monthEndDay(last), 1), to: w.to });
    const skip = whole.filter((m) => touched.has(m));
    for (const m of skip) days.push({ key: w.key, scopeId: w.scopeId, from: `${m}-01`, to: monthEndDay(m) });
    ranges.push({
      key: w.key,
      scopeId: w.scopeId,
      first,
      last,
      skip,
      months: whole.filter((m) => !touched.has(m)),
    });
  }
  const out = new Map<string, Totals>();
  if (ranges.length > 0) {
    const skips = ranges.flatMap((r) => r.skip.map((m) => [r.key, `${m}-01`] as const));
    const { rows } = await db.query<{
      k: string;
      months: string[];
      sum: number;
      n: number;
      min_version: number;
      max_version: number;
    }>(
      `WITH x AS (SELECT * FROM unnest($6::text[], $7::date[]) AS t(k, m))
       SELECT t.k, array_agg(sm.month::text) AS months, sum(sm.value * sm.n_valid_days) AS sum,
              sum(sm.n_valid_days)::int AS n, min(sm.min_version)::int AS min_version, max(sm.min_version)::int AS max_version
         FROM unnest($2::text[], $3::text[], $4::date[], $5::date[]) AS t(k, scope_id, m_first, m_last)
         JOIN scope_monthly sm
           ON sm.scope_id = t.scope_id AND sm.metric_id = $1 AND sm.month BETWEEN t.m_first AND t.m_last AND sm.valid
          AND NOT EXISTS (SELECT 1 FROM x WHERE x.k = t.k AND x.m = sm.month)
        GROUP BY t.k`,
      [
        metricId,
        ranges.map((r) => r.key),
        ranges.map((r) => r.scopeId),
        ranges.map((r) => `${r.first}-01`),
        ranges.map((r) => `${r.last}-01`),
        skips.map((x) => x[0]),
        skips.map((x) => x[1]),
      ],
    );
    const found = new Map(rows.map((r) => [r.k, new Set(r.months.map((d) => d.slice(0, 7)))]));
    // A month without a valid monthly row (too few valid days, or none yet) is read day by day.
    for (const r of ranges) {
      const have = found.get(r.key);
      if (have && have.size === r.months.length) continue;
      for (const m of r.months) {
        if (!have?.has(m)) days.push({ key: r.key, scopeId: r.scopeId, from: `${m}-01`, to: monthEndDay(m) });
      }
    }
    for (const r of rows)
      add(out, r.k, { n: r.n, sum: r.sum, minVersion: r.min_version, maxVersion: r.max_version });
  }
  const excluded = windows.flatMap((w) => w.excluded.map((d) => [w.key, d] as const));
  for (const [k, t] of await aggregate(db, 'scope_daily', metricId, days, excluded)) add(out, k, t);
  return out;
}

function add(out: Map<string, Totals>, key: string, t: Totals): void {
  const o = out.get(key);
  if (!o) {
    out.set(key, { ...t });
    return;
  }
  o.n += t.n;
  o.sum += t.sum;
  const lo = [o.minVersion, t.minVersion].filter((v): v is number => v !== null);
  const hi = [o.maxVersion, t.maxVersion].filter((v): v is number => v !== null);
  o.minVersion = lo.length > 0 ? Math.min(...lo) : null;
  o.maxVersion = hi.length > 0 ? Math.max(...hi) : null;
}

/**
 * A batch of windows as SQL: CTE `w` (k, scope_id, d_from, d_to) and CTE `x` (k, d), the days (months) each
 * window leaves out, read from $2..$7 — windowParams gives those six parameters in that order. $1 is the
 * caller's own.
 */
export const WINDOW_CTES = `w AS (SELECT * FROM unnest($2::text[], $3::text[], $4::date[], $5::date[]) AS t(k, scope_id, d_from, d_to)),
          x AS (SELECT * FROM unnest($6::text[], $7::date[]) AS t(k, d))`;

export function windowParams(
  windows: readonly { key: string; scopeId: string; from: string; to: string }[],
  excluded: readonly (readonly [key: string, day: string])[],
): unknown[] {
  return [
    windows.map((w) => w.key),
    windows.map((w) => w.scopeId),
    windows.map((w) => w.from),
    windows.map((w) => w.to),
    excluded.map((e) => e[0]),
    excluded.map((e) => e[1]),
  ];
}

/** Sum and count of the valid, non-excluded rows of each key's segments. */
async function aggregate(
  db: Queryable,
  table: 'scope_daily' | 'scope_monthly',
  metricId: string,
  segments: readonly Segment[],
  excluded: readonly (readonly [string, string])[],
): Promise<Map<string, Totals>> {
  const out = new Map<string, Totals>();
  if (segments.length === 0) return out;
  const column = table === 'scope_daily' ? 'day' : 'month';
  // `table`/`column` are one of two constants, never input.
  const { rows } = await db.query<{
    k: string;
    n: number;
    sum: number;
    min_version: number | null;
    max_version: number | null;
  }>(
    `WITH ${WINDOW_CTES}
     SELECT w.k, count(r.value)::int AS n, coalesce(sum(r.value), 0) AS sum,
            min(r.min_version)::int AS min_version, max(r.min_version)::int AS max_version
       FROM w
       JOIN ${table} r
         ON r.scope_id = w.scope_id AND r.metric_id = $1 AND r.${column} BETWEEN w.d_from AND w.d_to AND r.valid
        AND NOT EXISTS (SELECT 1 FROM x WHERE x.k = w.k AND x.d = r.${column})
      GROUP BY w.k`,
    [metricId, ...windowParams(segments, excluded)],
  );
  for (const r of rows)
    out.set(r.k, { n: r.n, sum: r.sum, minVersion: r.min_version, maxVersion: r.max_version });
  return out;
}

/**
 * The last day with any row (valid or not) per scope in [from, until]: the evaluation's as_of. A monthly
 * value counts once its month has ended by `until`, and then stands for the month up to its last day.
 */
export async function lastDataDays(
  db: Queryable,
  input: SeriesInput,
  metricId: string,
  scopeIds: readonly string[],
  from: string,
  until: string,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (scopeIds.length === 0) return out;
  if (input === 'daily') {
    const { rows } = await db.query<{ scope_id: string; d: string | null }>(
      `SELECT s.scope_id,
              (SELECT max(day)::text FROM scope_daily sd
                WHERE sd.scope_id = s.scope_id AND sd.metric_id = $1 AND sd.day BETWEEN $2 AND $3) AS d
         FROM unnest($4::text[]) AS s(scope_id)`,
      [metricId, from, until, scopeIds],
    );
    for (const r of rows) if (r.d) out.set(r.scope_id, r.d);
    return out;
  }
  const { rows } = await db.query<{ scope_id: string; m: string | null }>(
    `SELECT s.scope_id,
            (SELECT to_char(max(month), 'YYYY-MM') FROM scope_monthly sm
              WHERE sm.scope_id = s.scope_id AND sm.metric_id = $1 AND sm.month >= $2::date
                AND (sm.month + INTERVAL '1 month')::date <= $3::date + 1) AS m
       FROM unnest($4::text[]) AS s(scope_id)`,
    [metricId, from, until, scopeIds],
  );
  for (const r of rows) if (r.m) out.set(r.scope_id, monthEndDay(r.m));
  return out;
}
