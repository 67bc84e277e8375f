/** The rule kinds by name. A new kind is a new module plus one line here. */
import { cumulativeMeanLimit } from './cumulative-mean-limit.js';
import type { RuleKind } from './rule-kind.js';

export const RULE_KINDS: Record<string, RuleKind<never>> = Object.fromEntries(
  [cumulativeMeanLimit].map((r) => [r.kind, r as unknown as RuleKind<never>]),
);
