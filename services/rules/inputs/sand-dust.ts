/**
 * 扣除沙尘影响 (002:2392-2393, 001:408, 002:2415): sand-dust periods are supplied from outside
 * (standards.md §5) and applied when a statistic is computed, never by deleting data. A Shanghai natural
 * day is excluded when a period applying to the scope overlaps it; a month of monthly values (dust fall)
 * is excluded when any of its days is (a monthly weighing cannot be split). A period applies to a street/town
 * when it names that area, its district or no district at all (city-wide); a district-wide statistic
 * leaves out only district-wide and city-wide periods (docs/decisions.md).
 */
import type { Queryable } from '../../db/queryable.js';
import { addDays, toShanghaiDay } from '../../time/shanghai.js';

export interface ScopeRef {
  scopeId: string;
  districtId: string | null;
}

/** Excluded Shanghai days per scope within [from, to]. Scopes without any are absent from the map. */
export async function loadSandDustDays(
  db: Queryable,
  scopes: readonly ScopeRef[],
  from: string,
  to: string,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (scopes.length === 0) return out;
  const { rows } = await db.query<{
    starts_at: Date;
    ends_at: Date;
    district_id: string | null;
    area_id: string | null;
  }>(
    `SELECT starts_at, ends_at, district_id, area_id FROM sand_dust_period
      WHERE starts_at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND ends_at > $1::date::timestamp AT TIME ZONE 'Asia/Shanghai'`,
    [from, to],
  );
  if (rows.length === 0) return out;
  for (const p of rows) {
    // ends_at is exclusive: a period ending at 00:00 does not touch the day that starts then.
    const first = toShanghaiDay(p.starts_at);
    const last = toShanghaiDay(new Date(p.ends_at.getTime() - 1));
    for (const s of scopes) {
      const applies =
        p.area_id !== null
          ? p.area_id === s.scopeId
          : p.district_id === null || p.district_id === s.districtId;
      if (!applies) continue;
      const days = out.get(s.scopeId) ?? new Set<string>();
      for (let d = first < from ? from : first; d <= last && d <= to; d = addDays(d, 1)) days.add(d);
      out.set(s.scopeId, days);
    }
  }
  return out;
}

/** Excluded days of one scope that fall in [from, to]. */
export function excludedIn(days: Set<string> | undefined, from: string, to: string): string[] {
  if (!days) return [];
  return [...days].filter((d) => d >= from && d <= to).sort();
}

/** Months (YYYY-MM) that contain an excluded day. */
export function excludedMonths(days: Set<string> | undefined): Set<string> {
  return new Set([...(days ?? [])].map((d) => d.slice(0, 7)));
}
