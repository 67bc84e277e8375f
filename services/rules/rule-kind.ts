/**
 * A rule kind decides one target for one scope and period. Each kind is a small module with its own
 * parameter schema; the engine knows none of them by name.
 */
import type { z } from 'zod';
import type { Queryable } from '../db/queryable.js';
import type { TargetDefinition } from '../targets/target-definition.js';
import type { Period } from '../time/periods.js';

export type EvaluationStatus = 'met' | 'at_risk' | 'breached' | 'insufficient_data';

export interface RuleInput {
  db: Queryable;
  target: TargetDefinition;
  scopeId: string;
  period: Period;
  /** The last Shanghai day the evaluation considers (inclusive). */
  asOf: string;
}

export interface RuleResult {
  status: EvaluationStatus;
  value: number | null;
  threshold: number | null;
  coverage: number | null;
  dataVersion: 'provisional' | 'audited' | 'mixed' | 'none';
  explanationZh: string;
  explanationEn: string;
  details: Record<string, unknown>;
}

export interface RuleKind<P = unknown> {
  kind: string;
  params: z.ZodType<P>;
  evaluate(input: RuleInput, params: P): Promise<RuleResult>;
}

export function defineRuleKind<P>(rule: RuleKind<P>): RuleKind<P> {
  return rule;
}
