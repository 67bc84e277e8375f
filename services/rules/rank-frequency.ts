/**
 * How often a street/town lands in the city-wide bottom N of a monthly ranking (全市 后30名 / 后10名):
 * - fewer months in the bottom 30 than last year, "频次同比下降" (TZ24-AIR-06a/07a, 002:2404, 2410);
 * - at most K months, "频次不超过 2 次" (TZ24-AIR-10a, 002:2440);
 * - never, "不进入每月全市…后 10 名" (K = 0; TZ24-AIR-06b/07b/10b/11a/11b), judged month by month (a month
 *   period), so that each month in the bottom 10 is its own verdict and its own alert.
 * A month is in the bottom N when rank > ranked − N (1 = best; ties share the better rank, so a tie across
 * the line counts as outside, docs/decisions.md). The count is over the calendar year against last year's
 * full-year count (§8 q.11), evaluated monthly as a running status; the verdict, the remaining allowance
 * and the at_risk rule are those of count-allowance.ts ("one more month in the bottom 30 breaks it").
 */
import { z } from 'zod';
import { addMonths, monthEndDay } from '../time/shanghai.js';
import { allowedBelow, countRuleText, countVerdict } from './count-allowance.js';
import { heads, verdictEn, verdictZh } from './explain.js';
import { DEFAULT_MIN_COVERAGE_MONTHLY } from './inputs/prepare.js';
import { readRankTallies } from './inputs/rank-months.js';
import { defineRuleKind, type DataVersion, type RuleResult } from './rule-kind.js';

const params = z
  .strictObject({
    /** The ranked quantity in the city_ranking table (pm25, tsp, road_dust_load, uncontrolled_bare_land_area). */
    ranking_metric: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/)
      .optional(),
    bottom: z.int().min(1),
    max_count: z.int().min(0).optional(),
    fewer_than_last_year: z.boolean().optional(),
    zero_baseline: z.enum(['met', 'breached']).default('met'),
    /** Units ranked when a delivery does not say (else such a month is unknown). */
    ranked_count: z.int().min(1).optional(),
    min_coverage: z.number().min(0).max(1).default(DEFAULT_MIN_COVERAGE_MONTHLY),
  })
  .refine((p) => (p.max_count !== undefined) !== (p.fewer_than_last_year === true), {
    message: 'set exactly one of max_count and fewer_than_last_year',
  });
type Params = z.infer<typeof params>;

interface Tally {
  known: number;
  inBottom: string[];
  versions: number[];
}

export const rankFrequency = defineRuleKind<Params>({
  kind: 'rank_frequency',
  params,
  // "每月…后10名" is judged month by month; a yearly count (频次) needs the year; 同比 only makes sense per year.
  periodKinds: (p) => (p.fewer_than_last_year ? ['year'] : ['year', 'month']),
  // Only the rank metric: hourly PM2.5 keys must not re-evaluate rankings the city publishes monthly. A writer
  // of city_ranking rows queues (area, city_rank_<x>, month start) for the event-driven path; the daily sweep
  // catches anything else.
  lookbackYears: () => 1,
  references: (p) => ({ metrics: p.ranking_metric ? [p.ranking_metric] : [] }),
  async evaluate(ctx, p, items) {
    const { target } = ctx;
    const from = `${items.reduce((m, i) => Math.min(m, i.period.year), Infinity) - 1}-01-01`;
    const to = items.reduce((m, i) => (i.until > m ? i.until : m), items[0]!.until);
    const tallies = await readRankTallies(ctx.db, {
      rankMetricId: target.metric.id,
      rankingMetricId: p.ranking_metric ?? null,
      scopeIds: [...new Set(items.map((i) => i.scopeId))],
      fromDay: from,
      toDay: to,
      bottom: p.bottom,
      rankedDefault: p.ranked_count ?? null,
    });
    /** The scope's known months among `months`, with those in the bottom N. */
    const tally = (scope: string, months: readonly string[]): Tally => {
      const all = tallies.get(scope);
      const wanted = new Set(months);
      const t: Tally = { known: 0, inBottom: [], versions: [] };
      all?.known.forEach((m, k) => {
        if (!wanted.has(m)) return;
        t.known += 1;
        t.versions.push(all.versions[k]!);
      });
      t.inBottom = (all?.inBottom ?? []).filter((m) => wanted.has(m));
      return t;
    };

    return items.map((it): RuleResult => {
      const [hz, he] = heads(ctx, it);
      const y = it.period.year;
      // A month counts once it has ended by `until` (a ranking is published after its month).
      const elapsed =
        it.period.kind === 'month'
          ? [it.period.key].filter((m) => monthEndDay(m) <= it.until)
          : elapsedMonths(y, it.until);
      const known = new Set(tallies.get(it.scopeId)?.known ?? []);
      const withData = elapsed.filter((m) => known.has(m));
      const cur = tally(it.scopeId, elapsed);
      const asOf = withData.length > 0 ? monthEndDay(withData.at(-1)!) : it.until;
      const lastMonth = withData.at(-1)?.slice(5) ?? '00';
      const lastYear = tally(it.scopeId, monthsOfYear(y - 1));
      // Last year's months after the last month known this year: the rest of the year, a year ago. A month
      // period has no rest.
      const rest =
        it.period.kind === 'month' ? [] : monthsOfYear(y - 1).filter((m) => m.slice(5) > lastMonth);
      const lastYearRest = tally(it.scopeId, rest);
      const enough = (t: Tally, expected: number) =>
        expected > 0 && t.known / expected >= p.min_coverage - 1e-9;
      const coverage = elapsed.length > 0 ? cur.known / elapsed.length : null;
      const dataVersion = versionOf(cur.versions);
      if (cur.known === 0 || (p.fewer_than_last_year && !enough(lastYear, 12))) {
        const why =
          cur.known === 0
            ? ['本期无可判断的排名', 'no usable ranking in the period']
            : ['上年排名不全', "last year's rankings are incomplete"];
        return {
          asOf,
          final: false,
          status: 'insufficient_data',
          value: cur.inBottom.length,
          threshold: p.max_count ?? null,
          coverage,
          dataVersion,
          explanationZh: `${hz}${why[0]}${p.fewer_than_last_year ? `（上年已知${lastYear.known}个月）` : ''}，无法判断。`,
          explanationEn: `${he}${why[1]}${p.fewer_than_last_year ? ` (${lastYear.known} month(s) known last year)` : ''}; cannot decide.`,
          details: { monthsKnown: cur.known, lastYearKnown: lastYear.known },
        };
      }
      const allowed = p.max_count ?? allowedBelow(lastYear.inBottom.length, p.zero_baseline);
      const final = asOf >= it.period.to;
      const restExpected = rest.length;
      const { status, allowance } = countVerdict({
        count: cur.inBottom.length,
        allowed,
        final,
        enoughData: enough(cur, elapsed.length),
        lastYearRemaining:
          restExpected > 0 && enough(lastYearRest, restExpected) ? lastYearRest.inBottom.length : null,
      });
      const ranks = tallies.get(it.scopeId)?.bottomRanks ?? {};
      const rankOf = (m: string) => (ranks[m] ? `${ranks[m].rank}/${ranks[m].ranked}` : '?');
      const months = cur.inBottom.map((m) => `${Number(m.slice(5))}月第${rankOf(m)}名`).join('、') || '无';
      const monthsEn = cur.inBottom.map((m) => `${m} rank ${rankOf(m)}`).join(', ') || 'none';
      const rule = countRuleText(
        {
          max: p.max_count,
          lastYear: lastYear.inBottom.length,
          allowed,
          zeroBaseline: p.zero_baseline,
        },
        { zh: '次', en: '' },
        it.period.kind === 'year' ? '上年全年' : '去年同期',
      );
      const why = restWhy(p.bottom, rest, lastYearRest, allowance, final);
      const leftZh =
        final || allowance < 0
          ? ''
          : allowance === 0
            ? `剩余额度0次：再有1个月进入后${p.bottom}名即未达标。`
            : `剩余额度${allowance}次。`;
      const leftEn =
        final || allowance < 0
          ? ''
          : allowance === 0
            ? ` No allowance left: one more month in the bottom ${p.bottom} breaks the target.`
            : ` ${allowance} month(s) of allowance left.`;
      return {
        asOf,
        final,
        status,
        value: cur.inBottom.length,
        threshold: allowed,
        coverage,
        dataVersion,
        explanationZh:
          `${hz}截至${asOf}已知${cur.known}个月排名，进入全市后${p.bottom}名${cur.inBottom.length}次（${months}），${rule.zh}。` +
          `${leftZh}${why.zh}${verdictZh(status, final)}`,
        explanationEn:
          `${he}${cur.known} month(s) ranked up to ${asOf}; ${cur.inBottom.length} in the city-wide bottom ${p.bottom} ` +
          `(${monthsEn}), ${rule.en}.${leftEn}${why.en} ${verdictEn(status, final)}`,
        details: {
          monthsInBottom: cur.inBottom,
          monthsKnown: cur.known,
          allowed,
          allowance,
          lastYearCount: lastYear.known > 0 ? lastYear.inBottom.length : null,
          lastYearRemaining: lastYearRest.known > 0 ? lastYearRest.inBottom.length : null,
        },
      };
    });
  },
});

/**
 * The comparison behind the at_risk rule, as heavy_days gives it: last year's months after the last month
 * known this year, and how many of them were in the bottom N against the allowance left.
 */
function restWhy(
  bottom: number,
  rest: readonly string[],
  lastYearRest: Tally,
  allowance: number,
  final: boolean,
): { zh: string; en: string } {
  if (final || allowance < 0 || rest.length === 0 || lastYearRest.known === 0) return { zh: '', en: '' };
  const n = lastYearRest.inBottom.length;
  const span = `${Number(rest[0]!.slice(5))}月至${Number(rest.at(-1)!.slice(5))}月`;
  const list = lastYearRest.inBottom.map((m) => `${Number(m.slice(5))}月`).join('、');
  const cmp = n > allowance ? '多于' : '不多于';
  return {
    zh: `去年${span}有${n}个月进入后${bottom}名${n > 0 ? `（${list}）` : ''}，${cmp}剩余额度${allowance}次。`,
    en: ` Last year ${rest[0]} to ${rest.at(-1)} had ${n} month(s) in the bottom ${bottom}${n > 0 ? ` (${lastYearRest.inBottom.join(', ')})` : ''}, ${n > allowance ? 'more than' : 'not more than'} the ${allowance} left.`,
  };
}

const yearMonths = new Map<number, string[]>();
/** The twelve months of a year (cached: this runs for every unit of every rank target). */
function monthsOfYear(year: number): string[] {
  let months = yearMonths.get(year);
  if (!months) {
    months = Array.from({ length: 12 }, (_, k) => addMonths(`${year}-01`, k));
    yearMonths.set(year, months);
  }
  return months;
}

const elapsedCache = new Map<string, string[]>();
/** The months of `year` that have ended by `until` (a ranking is published after its month). */
function elapsedMonths(year: number, until: string): string[] {
  const key = `${year}|${until}`;
  let months = elapsedCache.get(key);
  if (!months) {
    months = monthsOfYear(year).filter((m) => monthEndDay(m) <= until);
    if (elapsedCache.size > 1000) elapsedCache.clear();
    elapsedCache.set(key, months);
  }
  return months;
}

function versionOf(versions: readonly number[]): DataVersion {
  if (versions.length === 0) return 'none';
  const min = Math.min(...versions);
  const max = Math.max(...versions);
  return min === 1 ? 'audited' : max === 0 ? 'provisional' : 'mixed';
}
