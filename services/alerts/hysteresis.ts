/**
 * What a target's newest evaluation does to its alert. The anti-flap rule: an alert opens at once, but
 * resolves only when the data has said 'met' on ALERT_RESOLVE_AFTER_MET_DAYS distinct data days in a row
 * (or the evaluation is final — the period's data is complete — and met) — a value hovering at the line keeps one alert open instead of
 * opening and resolving it every day. Never by a timer: without new data nothing resolves. A resolved
 * alert that fires again in the same period is reopened (one alert per target, scope and period).
 */
import type { AlertState, Severity } from './alert-queries.js';

export type TargetAction =
  | { kind: 'open' }
  | { kind: 'reopen' }
  | { kind: 'update'; notifyBreached: boolean }
  | { kind: 'recovering' }
  | { kind: 'resolve'; reason: string }
  | { kind: 'none' };

export interface HysteresisInput {
  alert: { state: AlertState; condition: string } | null;
  status: string;
  metDays: number;
  /** The evaluation covers the period's last day: no later data will change it. */
  final: boolean;
  resolveAfterMetDays: number;
}

export function decideTargetAction(i: HysteresisInput): TargetAction {
  const open = i.alert !== null && (i.alert.state === 'firing' || i.alert.state === 'acknowledged');
  if (i.status === 'at_risk' || i.status === 'breached') {
    if (!i.alert) return { kind: 'open' };
    if (i.alert.state === 'resolved') return { kind: 'reopen' };
    if (i.alert.condition === i.status) return { kind: 'none' };
    return { kind: 'update', notifyBreached: i.status === 'breached' };
  }
  if (i.status === 'met' && open) {
    if (i.final) return { kind: 'resolve', reason: 'met on the last day of the period' };
    if (i.metDays >= i.resolveAfterMetDays)
      return { kind: 'resolve', reason: `met on ${i.metDays} data days in a row` };
    return i.alert!.condition === 'met' ? { kind: 'none' } : { kind: 'recovering' };
  }
  // insufficient_data says nothing either way: the alert stays as it is.
  return { kind: 'none' };
}

const RANK: Record<Severity, number> = { notice: 0, warning: 1, critical: 2 };

/** Hard-target breach → critical; hard at-risk → warning; anything on a soft (力争) target → notice. */
export function severityFor(strictness: 'hard' | 'soft', status: string): Severity {
  if (strictness === 'soft') return 'notice';
  return status === 'breached' ? 'critical' : 'warning';
}

/** Severity never drops within a firing: an alert that was a breach stays one until it resolves. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return RANK[a] >= RANK[b] ? a : b;
}
