/**
 * What makes two rule results the same verdict, for the evaluation history. Numbers are compared at 12
 * significant digits (stableNumber): a mean that differs only by the order avg() added its doubles is the same
 * result (issue #19). Lives with the rules because they decide which digits of a value mean anything.
 */
import { stableNumber } from '../standards/stable-number.js';
import type { RuleResult } from './rule-kind.js';

function stable(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? stableNumber(v) : null;
}

/** The facts of a result that make it a new evaluation when any of them changes, in a fixed order. */
export function resultIdentity(r: RuleResult): readonly unknown[] {
  return [
    r.asOf,
    r.status,
    r.final,
    stable(r.value),
    stable(r.threshold),
    stable(r.coverage),
    r.dataVersion,
    r.explanationZh,
  ];
}
