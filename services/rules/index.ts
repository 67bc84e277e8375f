/** The rule kinds by name. A new kind is a new module plus one line here; no other kind changes. */
import { aboveCityImprovement } from './above-city-improvement.js';
import { cumulativeMeanLimit } from './cumulative-mean-limit.js';
import { heavyDays } from './heavy-days.js';
import { monthLevelWarning } from './month-level-warning.js';
import { rankFrequency } from './rank-frequency.js';
import { reportedValue } from './reported-value.js';
import { relativeToReference } from './relative-to-reference.js';
import { rollingMeanDecrease } from './rolling-mean-decrease.js';
import { sampleLimit } from './sample-limit.js';
import type { RuleKind } from './rule-kind.js';
import { waterClassTarget } from './water-class-target.js';
import { yoyImprovement } from './yoy-improvement.js';

const KINDS = [
  cumulativeMeanLimit,
  heavyDays,
  yoyImprovement,
  rollingMeanDecrease,
  relativeToReference,
  rankFrequency,
  waterClassTarget,
  monthLevelWarning,
  sampleLimit,
  aboveCityImprovement,
  reportedValue,
] as const;

export const RULE_KINDS: Readonly<Record<string, RuleKind<never>>> = Object.fromEntries(
  KINDS.map((r) => [r.kind, r as unknown as RuleKind<never>]),
);

/** The kind and parsed parameters of a target's rule block (the YAML keeps them flat: `{ kind, ...params }`). */
export function ruleOf(
  rule: { kind: string } & Record<string, unknown>,
): { kind: RuleKind<unknown>; params: unknown } | null {
  const kind = RULE_KINDS[rule.kind] as RuleKind<unknown> | undefined;
  if (!kind) return null;
  const { kind: _k, ...params } = rule;
  return { kind, params: kind.params.parse(params) };
}
