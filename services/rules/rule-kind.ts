/**
 * A rule kind decides one target for many (scope, period) items at once. Each kind is a small module with
 * its own parameter schema; the engine knows none of them by name. Evaluation is set-based: a kind reads
 * its inputs for every scope in a few batch queries (one per window, never one per scope), which is what
 * keeps a city-scale re-evaluation under a second.
 */
import { z } from 'zod';
import type { Queryable } from '../db/queryable.js';
import type { ScopeIndex } from '../targets/scope-index.js';
import type { TargetDefinition } from '../targets/target-definition.js';
import type { Period } from '../time/periods.js';

export type EvaluationStatus = 'met' | 'at_risk' | 'breached' | 'insufficient_data';
export type DataVersion = 'provisional' | 'audited' | 'mixed' | 'none';

export interface TargetMetric {
  id: string;
  nameZh: string;
  nameEn: string;
  unit: string;
  unitZh: string;
  decimals: number;
}

/** A target as the engine runs it: the YAML entry plus what the database adds. */
export interface LoadedTarget {
  id: string;
  planId: string;
  district: string;
  /** The year the target's periods fall in (plan year unless the target says otherwise). */
  year: number;
  definition: TargetDefinition;
  metric: TargetMetric;
}

export interface RuleItem {
  scopeId: string;
  period: Period;
  /** The last day the evaluation may consider: min(period end, today). Data after it is never read. */
  until: string;
}

export interface RuleContext {
  db: Queryable;
  target: LoadedTarget;
  /** Names and structure of districts, areas and sections, for explanations and reference sets. */
  scopes: ScopeIndex;
  /** Every scope the target covers in a period (a reference mean is over all of them, not only the items). */
  scopesOf(period: Period): string[];
}

export interface RuleResult {
  /** The last day of data considered (a monthly value counts up to its month's end). */
  asOf: string;
  status: EvaluationStatus;
  /** True when the period's data is complete up to its last day: the verdict is final, not a projection. */
  final: boolean;
  value: number | null;
  threshold: number | null;
  /** Share of the elapsed period with valid data, 0..1. */
  coverage: number | null;
  dataVersion: DataVersion;
  explanationZh: string;
  explanationEn: string;
  details: Record<string, unknown>;
}

export interface RuleKind<P = unknown> {
  kind: string;
  params: z.ZodType<P>;
  /** Metrics whose changes can change the result (default: the target's metric). */
  inputMetrics?(target: TargetDefinition, params: P): readonly string[];
  /** How many years before the period the rule reads (同比: 1), so a revision there re-evaluates it. */
  lookbackYears(params: P): number;
  /** True when one scope's data changes another scope's result (a reference mean across units). */
  crossScope?(params: P): boolean;
  /** Period kinds the rule makes sense for (default: any), possibly per parameters. Checked at load time. */
  periodKinds?(params: P): readonly TargetDefinition['period'][];
  /** Reference ids named in the parameters, checked against the reference set at load time. */
  references?(params: P): {
    areas?: readonly string[];
    sites?: readonly string[];
    metrics?: readonly string[];
  };
  /** One result per item, in the items' order. */
  evaluate(ctx: RuleContext, params: P, items: readonly RuleItem[]): Promise<RuleResult[]>;
}

export function defineRuleKind<P>(rule: RuleKind<P>): RuleKind<P> {
  return rule;
}

/**
 * Parameters every rule kind that reports a value shares: the decimals it is rounded to (GB/T 8170, default
 * the metric's) and the share of the elapsed period that must have valid data before a verdict is given.
 */
export const REPORTING_PARAMS = {
  decimals: z.int().min(0).max(4).optional(),
  min_coverage: z.number().min(0).max(1).optional(),
};

/** Which rollup a series-based rule reads: daily means (hourly metrics) or monthly values as delivered. */
export const SERIES_INPUT = z.enum(['daily', 'monthly']).default('daily');

/** The parameters of a rule that reports a value: its own fields, then the reporting ones. */
export function reportingRuleParams<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject({ ...shape, ...REPORTING_PARAMS });
}

/** The parameters of a rule over a metric series: which rollup it reads, its own fields, the reporting ones. */
export function seriesRuleParams<S extends z.ZodRawShape>(shape: S) {
  return reportingRuleParams({ input: SERIES_INPUT, ...shape });
}
