/**
 * Escalation, driven by persisted times (alert.next_escalation_at) and processed by the sweep with the
 * injected clock, so a restart loses nothing and tests need no waiting:
 *   step 1 — not acknowledged within ALERT_ESCALATE_AFTER_MINUTES (hard breaches) or
 *            ALERT_ESCALATE_WARNING_AFTER_MINUTES (hard at-risk) → the lead officials (牵头领导);
 *   step 2 — still open when the target's deadline passes → the district leadership.
 * Acknowledgement stops both (it clears next_escalation_at); so does the data recovering. Notices on soft
 * (力争) targets do not escalate.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { toShanghaiDay } from '../time/shanghai.js';
import { claimDueEscalations, insertAlertEvent, setNextEscalation, type AlertRow } from './alert-queries.js';
import type { AlertSettings } from './alert-settings.js';
import { targetRouting } from './evaluation-queries.js';
import { targetRecipients } from './routing.js';

type EscalationFields = Pick<
  AlertRow,
  'state' | 'severity' | 'condition' | 'fired_at' | 'escalation_step' | 'deadline_at' | 'kind'
>;

function leadDelay(a: EscalationFields, s: AlertSettings): number | null {
  if (a.severity === 'critical') return s.escalateCriticalAfterMs;
  if (a.severity === 'warning') return s.escalateWarningAfterMs;
  return null;
}

/** The next escalation instant of an alert, or null when none is due any more. */
export function nextEscalationAt(a: EscalationFields, s: AlertSettings): Date | null {
  if (a.kind !== 'target' || a.state !== 'firing' || a.condition === 'met' || a.severity === 'notice')
    return null;
  const due: number[] = [];
  const delay = leadDelay(a, s);
  if (a.escalation_step < 1 && delay !== null) due.push(a.fired_at.getTime() + delay);
  if (a.escalation_step < 2 && a.deadline_at) due.push(a.deadline_at.getTime());
  return due.length === 0 ? null : new Date(Math.min(...due));
}

export type EscalateResult = {
  escalated: number;
  outboxIds: number[];
};

const SMS_ROLES = new Set(['lead', 'leadership'] as const);

async function escalateOne(
  tx: pg.PoolClient,
  a: AlertRow,
  now: Date,
  ctx: { settings: AlertSettings; smsEnabled: boolean },
) {
  const outboxIds: number[] = [];
  const routing = a.target_id ? await targetRouting(tx, a.target_id) : null;
  const delay = leadDelay(a, ctx.settings);
  const leadDue = a.escalation_step < 1 && delay !== null && a.fired_at.getTime() + delay <= now.getTime();
  const deadlineDue =
    a.escalation_step < 2 && a.deadline_at !== null && a.deadline_at.getTime() <= now.getTime();
  // When the deadline passes first, the lead officials hear of it too: leadership is never told before them.
  const steps: (1 | 2)[] = deadlineDue ? (a.escalation_step < 1 ? [1, 2] : [2]) : leadDue ? [1] : [];
  let reached = a.escalation_step;
  for (const step of steps) {
    const recipients = routing
      ? await targetRecipients(
          tx,
          {
            mainUnitIds: routing.main_unit_ids,
            assistUnitIds: routing.assist_unit_ids,
            leadOfficialIds: routing.lead_official_ids,
            districtId: a.district_id ?? routing.district_id,
            scopeId: a.scope_id ?? routing.district_id,
            year: a.directory_year,
            day: toShanghaiDay(now),
          },
          [step === 1 ? 'lead' : 'leadership'],
        )
      : [];
    const planned = await planDeliveries(
      tx,
      {
        alertId: a.id,
        step: `escalation:${step}:${a.revision}`,
        recipients,
        urgent: a.urgent,
        digest: false,
        smsRoles: SMS_ROLES,
      },
      { now, smsEnabled: ctx.smsEnabled, workingHours: ctx.settings.smsWorkingHours },
    );
    outboxIds.push(...planned.outboxIds);
    await insertAlertEvent(tx, {
      alertId: a.id,
      kind: 'escalated',
      detail: {
        step,
        to: step === 1 ? 'lead_officials' : 'district_leadership',
        recipients: recipients.length,
        deliveries: planned.created,
      },
      at: now,
    });
    reached = step;
  }
  await setNextEscalation(
    tx,
    a.id,
    nextEscalationAt({ ...a, escalation_step: reached }, ctx.settings),
    reached,
  );
  return outboxIds;
}

export async function escalateDue(
  db: pg.Pool,
  ctx: { now: Date; settings: AlertSettings; smsEnabled: boolean },
  limit = 200,
): Promise<EscalateResult> {
  return withTransaction(db, async (tx) => {
    const due = await claimDueEscalations(tx, ctx.now, limit);
    const outboxIds: number[] = [];
    for (const a of due) outboxIds.push(...(await escalateOne(tx, a, ctx.now, ctx)));
    return { escalated: due.length, outboxIds };
  });
}
