/** decideTargetAction: what a target's newest evaluation does to its alert (pure). */
import { describe, expect, it } from 'vitest';
import {
  decideTargetAction,
  maxSeverity,
  severityFor,
  type HysteresisInput,
} from '../../services/alerts/hysteresis.js';
import { nextEscalationAt } from '../../services/alerts/escalation.js';
import { alertSettings } from '../../services/alerts/alert-settings.js';
import { loadConfig } from '../../config/env.js';

const base: HysteresisInput = {
  alert: null,
  status: 'met',
  metDays: 0,
  final: false,
  resolveAfterMetDays: 2,
};
const firing = (condition: string) => ({ state: 'firing' as const, condition });

describe('decideTargetAction', () => {
  it('opens on at_risk or breached, and does nothing for met or insufficient data without an alert', () => {
    expect(decideTargetAction({ ...base, status: 'at_risk' })).toEqual({ kind: 'open' });
    expect(decideTargetAction({ ...base, status: 'breached' })).toEqual({ kind: 'open' });
    expect(decideTargetAction({ ...base, status: 'met' })).toEqual({ kind: 'none' });
    expect(decideTargetAction({ ...base, status: 'insufficient_data' })).toEqual({ kind: 'none' });
  });

  it('updates an open alert, notifying only a worsening to a breach', () => {
    expect(decideTargetAction({ ...base, alert: firing('at_risk'), status: 'breached' })).toEqual({
      kind: 'update',
      notifyBreached: true,
    });
    expect(decideTargetAction({ ...base, alert: firing('breached'), status: 'at_risk' })).toEqual({
      kind: 'update',
      notifyBreached: false,
    });
    expect(decideTargetAction({ ...base, alert: firing('breached'), status: 'breached' })).toEqual({
      kind: 'none',
    });
  });

  it('holds a met alert open until enough distinct data days, or a final evaluation', () => {
    expect(decideTargetAction({ ...base, alert: firing('breached'), status: 'met', metDays: 1 })).toEqual({
      kind: 'recovering',
    });
    expect(decideTargetAction({ ...base, alert: firing('met'), status: 'met', metDays: 1 })).toEqual({
      kind: 'none',
    });
    expect(decideTargetAction({ ...base, alert: firing('met'), status: 'met', metDays: 2 }).kind).toBe(
      'resolve',
    );
    expect(
      decideTargetAction({ ...base, alert: firing('breached'), status: 'met', metDays: 1, final: true }).kind,
    ).toBe('resolve');
    expect(
      decideTargetAction({
        ...base,
        alert: { state: 'acknowledged', condition: 'met' },
        status: 'met',
        metDays: 3,
      }).kind,
    ).toBe('resolve');
  });

  it('reopens a resolved alert of the same period', () => {
    expect(
      decideTargetAction({ ...base, alert: { state: 'resolved', condition: 'met' }, status: 'at_risk' }),
    ).toEqual({ kind: 'reopen' });
    expect(
      decideTargetAction({ ...base, alert: { state: 'resolved', condition: 'met' }, status: 'met' }),
    ).toEqual({ kind: 'none' });
  });

  it('ignores insufficient data on an open alert', () => {
    expect(decideTargetAction({ ...base, alert: firing('breached'), status: 'insufficient_data' })).toEqual({
      kind: 'none',
    });
  });
});

describe('severity', () => {
  it('maps strictness and status, and never drops within a firing', () => {
    expect(severityFor('hard', 'breached')).toBe('critical');
    expect(severityFor('hard', 'at_risk')).toBe('warning');
    expect(severityFor('soft', 'breached')).toBe('notice');
    expect(maxSeverity('critical', 'warning')).toBe('critical');
    expect(maxSeverity('notice', 'warning')).toBe('warning');
  });
});

describe('nextEscalationAt', () => {
  const s = alertSettings(loadConfig({}));
  const fired = new Date('2024-03-05T02:00:00Z');
  const alert = {
    kind: 'target' as const,
    state: 'firing' as const,
    severity: 'critical' as const,
    condition: 'breached',
    fired_at: fired,
    escalation_step: 0,
    deadline_at: new Date('2024-12-31T16:00:00Z'),
  };
  it('is the lead-officials delay first, then the deadline', () => {
    expect(nextEscalationAt(alert, s)).toEqual(new Date(fired.getTime() + 120 * 60_000));
    // The deadline passes at the start of 1 January, a holiday: the leadership hears on 2 January, 08:30.
    expect(nextEscalationAt({ ...alert, escalation_step: 1 }, s)).toEqual(new Date('2025-01-02T00:30:00Z'));
    const wall = { ...s, escalationClock: 'wall' as const };
    expect(nextEscalationAt({ ...alert, escalation_step: 1 }, wall)).toEqual(alert.deadline_at);
    expect(nextEscalationAt({ ...alert, escalation_step: 2 }, s)).toBeNull();
  });
  it('stops for acknowledged, recovering and notice alerts', () => {
    expect(nextEscalationAt({ ...alert, state: 'acknowledged' as never }, s)).toBeNull();
    expect(nextEscalationAt({ ...alert, condition: 'met' }, s)).toBeNull();
    expect(nextEscalationAt({ ...alert, severity: 'notice' as never }, s)).toBeNull();
  });
});
