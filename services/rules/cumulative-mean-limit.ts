/**
 * 累计浓度 limit: the mean of the valid daily means from the start of the period to `asOf` must not exceed
 * `max` at the period's end (TZ24-AIR-01 "PM2.5全年累计浓度达到35微克/立方米", 002:2391).
 *
 * Before the period ends the target is not yet decided; the rule reports the mean the remaining days must
 * average to still reach it, and calls it at_risk when that required mean is below the YTD mean so far
 * (the rest of the year has to be cleaner than the year has been).
 */
import { z } from 'zod';
import { daysBetween } from '../time/shanghai.js';
import { defineRuleKind, type RuleResult } from './rule-kind.js';

const params = z.object({ max: z.number().positive() });

export const cumulativeMeanLimit = defineRuleKind({
  kind: 'cumulative_mean_limit',
  params,
  async evaluate({ db, target, scopeId, period, asOf }, p): Promise<RuleResult> {
    const { rows } = await db.query<{ n: number; sum: number | null; min_version: number | null }>(
      `SELECT count(*)::int AS n, sum(value) AS sum, min(min_version) AS min_version
         FROM scope_daily
        WHERE scope_id = $1 AND metric_id = $2 AND valid AND day BETWEEN $3 AND $4`,
      [scopeId, target.metric, period.from, asOf],
    );
    const n = rows[0]?.n ?? 0;
    const elapsed = daysBetween(period.from, asOf) + 1;
    const totalDays = daysBetween(period.from, period.to) + 1;
    const coverage = elapsed > 0 ? n / elapsed : 0;
    if (n === 0 || rows[0]?.sum == null) {
      return {
        status: 'insufficient_data',
        value: null,
        threshold: p.max,
        coverage,
        dataVersion: 'none',
        explanationZh: `${target.title_zh}：截至${asOf}无有效日均值，无法判断。`,
        explanationEn: `${target.title_en}: no valid daily mean up to ${asOf}; cannot decide.`,
        details: { validDays: 0, elapsedDays: elapsed },
      };
    }
    const mean = rows[0].sum / n;
    const remaining = totalDays - elapsed;
    // Assuming every remaining day is valid: (sum + remaining·x) / (n + remaining) ≤ max.
    const requiredRemainingMean = remaining > 0 ? (p.max * (n + remaining) - rows[0].sum) / remaining : null;
    const ended = asOf >= period.to;
    let status: RuleResult['status'];
    if (ended) status = mean <= p.max ? 'met' : 'breached';
    else if (requiredRemainingMean !== null && requiredRemainingMean <= 0) status = 'breached';
    else status = mean > p.max ? 'at_risk' : 'met';
    const m = mean.toFixed(1);
    const req = requiredRemainingMean !== null ? requiredRemainingMean.toFixed(1) : null;
    return {
      status,
      value: mean,
      threshold: p.max,
      coverage,
      dataVersion: rows[0].min_version === 1 ? 'audited' : 'provisional',
      explanationZh:
        `${target.title_zh}：${period.from}至${asOf}共${n}个有效日，累计均值${m}，限值${p.max}。` +
        (req !== null ? `剩余${remaining}天须平均不高于${req}方能达标。` : ''),
      explanationEn:
        `${target.title_en}: ${n} valid days from ${period.from} to ${asOf}, cumulative mean ${m}, limit ${p.max}.` +
        (req !== null ? ` The remaining ${remaining} days must average at most ${req} to reach it.` : ''),
      details: { validDays: n, elapsedDays: elapsed, remainingDays: remaining, requiredRemainingMean },
    };
  },
});
