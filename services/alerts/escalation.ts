/**
 * Escalation, driven by persisted times (alert.next_escalation_at) and processed by the sweep with the
 * injected clock, so a restart loses nothing and tests need no waiting:
 *   step 1 — not acknowledged within ALERT_ESCALATE_AFTER_MINUTES (hard breaches) or
 *            ALERT_ESCALATE_WARNING_AFTER_MINUTES (hard at-risk) → the lead officials (牵头领导);
 *   step 2 — still open when the target's deadline passes → the district leadership.
 * Both follow China's working-day calendar (ALERT_ESCALATION_CLOCK=working): holidays and weekends stop
 * the clock, 调休 Saturdays do not, and a leader is reached within working hours.
 * A plan or target may set its own chain in the targets YAML (`escalation:` — delays, who step 1 reaches,
 * whether the deadline goes to the leadership); the global settings are the default.
 * Acknowledgement stops both (it clears next_escalation_at); so does the data recovering. Notices on soft
 * (力争) targets do not escalate.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { MINUTE, toShanghaiDay } from '../time/shanghai.js';
import { addWorkingTime, nextWorkingInstant, type WorkingHours } from '../time/working-days.js';
import { claimDueEscalations, insertAlertEvent, setNextEscalation, type AlertRow } from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import { leadershipOf, raiseNoRecipient, unreachableOfficials } from './contact-coverage.js';
import { targetRouting } from './evaluation-queries.js';
import { targetRecipients } from './routing.js';

type EscalationFields = Pick<
  AlertRow,
  'state' | 'severity' | 'condition' | 'fired_at' | 'escalation_step' | 'deadline_at' | 'kind'
>;

/**
 * A plan's or target's own chain as the targets YAML writes it into target.definition->'escalation'
 * (targets/target-definition.ts validates it; alerts sits below targets and only reads the shape).
 */
export interface EscalationOverride {
  breach_after_minutes?: number;
  at_risk_after_minutes?: number;
  step1_officials?: string[];
  at_deadline?: 'district_leadership' | 'none';
}
/** null / undefined: the global settings. */
export type TargetEscalation = EscalationOverride | null | undefined;

function leadDelay(a: EscalationFields, s: AlertSettings, e: TargetEscalation): number | null {
  if (a.severity === 'critical') {
    return e?.breach_after_minutes !== undefined
      ? e.breach_after_minutes * MINUTE
      : s.escalateCriticalAfterMs;
  }
  if (a.severity === 'warning') {
    if (e?.at_risk_after_minutes === undefined) return s.escalateWarningAfterMs;
    return e.at_risk_after_minutes === 0 ? null : e.at_risk_after_minutes * MINUTE;
  }
  return null;
}

/** The working hours escalation counts in: the SMS working hours (a window wrapping midnight counts all day). */
function workingHours(s: AlertSettings): WorkingHours {
  const w = s.smsWorkingHours;
  return w.from < w.to ? w : { from: 0, to: 24 * 60 };
}

/**
 * When the lead officials are due: `delay` after firing with the clock stopped on holidays and weekends
 * and the result moved into working hours (time/working-days.ts) — a target breached on a Saturday night
 * reaches the deputy district head on the next working morning, and a 调休 Saturday counts as working (docs/decisions.md, "What reaches a leader on a holiday").
 */
function leadDueAt(a: EscalationFields, s: AlertSettings, e: TargetEscalation): number | null {
  const delay = leadDelay(a, s, e);
  if (delay === null) return null;
  if (s.escalationClock === 'wall') return a.fired_at.getTime() + delay;
  return addWorkingTime(s.calendar, a.fired_at, delay, workingHours(s)).getTime();
}

/** The deadline step: the deadline itself, or the next working instant after it. */
function deadlineDueAt(a: EscalationFields, s: AlertSettings, e: TargetEscalation): number | null {
  if (!a.deadline_at || e?.at_deadline === 'none') return null;
  if (s.escalationClock === 'wall') return a.deadline_at.getTime();
  return nextWorkingInstant(s.calendar, a.deadline_at, workingHours(s)).getTime();
}

/** The next escalation instant of an alert, or null when none is due any more. */
export function nextEscalationAt(
  a: EscalationFields,
  s: AlertSettings,
  e: TargetEscalation = null,
): Date | null {
  if (a.kind !== 'target' || a.state !== 'firing' || a.condition === 'met' || a.severity === 'notice')
    return null;
  const due: number[] = [];
  const lead = leadDueAt(a, s, e);
  const deadline = deadlineDueAt(a, s, e);
  if (a.escalation_step < 1 && lead !== null) due.push(lead);
  if (a.escalation_step < 2 && deadline !== null) due.push(deadline);
  return due.length === 0 ? null : new Date(Math.min(...due));
}

export type EscalateResult = {
  escalated: number;
  outboxIds: number[];
};

const SMS_ROLES = new Set(['lead', 'leadership'] as const);

/**
 * No silent drops (issue #14, item 6) at escalation too: a lead official the directory cannot reach in the
 * alert's year, or a deadline step that finds none of the district leadership, raises ONE operational
 * alert per official (or leadership body) and year, as a delivery with no recipient does. A step 1 that
 * names no official at all reaches the leadership step in time; nothing is raised for it.
 */
async function reportUnreached(
  tx: pg.PoolClient,
  a: AlertRow,
  step: 1 | 2,
  officialIds: readonly string[],
  recipients: readonly { role: string }[],
  now: Date,
  ctx: { settings: AlertSettings; smsEnabled: boolean },
): Promise<number[]> {
  const missed =
    step === 1
      ? await unreachableOfficials(tx, officialIds, a.directory_year)
      : recipients.some((r) => r.role === 'leadership')
        ? []
        : [await leadershipOf(tx, a.district_id)];
  const outboxIds: number[] = [];
  const stepZh = step === 1 ? '第1级升级（牵头领导）' : '第2级升级（到期未办结，区领导）';
  const stepEn =
    step === 1 ? 'escalation step 1 (lead official)' : 'escalation step 2 (deadline, leadership)';
  for (const who of missed) {
    const context = {
      contextZh: `预警“${a.title_zh}”的${stepZh}`,
      contextEn: `The ${stepEn} of the alert "${a.title_en}"`,
    };
    const opsCtx = { now, settings: ctx.settings, smsEnabled: ctx.smsEnabled };
    outboxIds.push(...(await raiseNoRecipient(tx, { ...who, year: a.directory_year, ...context }, opsCtx)));
  }
  return outboxIds;
}

async function escalateOne(
  tx: pg.PoolClient,
  a: AlertRow,
  now: Date,
  ctx: { settings: AlertSettings; smsEnabled: boolean },
) {
  const outboxIds: number[] = [];
  const routing = a.target_id ? await targetRouting(tx, a.target_id) : null;
  const e = routing?.escalation ?? null;
  const lead = leadDueAt(a, ctx.settings, e);
  const deadline = deadlineDueAt(a, ctx.settings, e);
  const leadDue = a.escalation_step < 1 && lead !== null && lead <= now.getTime();
  const deadlineDue = a.escalation_step < 2 && deadline !== null && deadline <= now.getTime();
  // When the deadline passes first, the lead officials hear of it too: leadership is never told before them.
  const steps: (1 | 2)[] = deadlineDue ? (a.escalation_step < 1 ? [1, 2] : [2]) : leadDue ? [1] : [];
  // The instant the step fell due (the sweep reaches it up to a tick later): grouping's window opens then.
  const dueAt = new Date(Math.min(leadDue ? lead! : Infinity, deadlineDue ? deadline! : Infinity));
  let reached = a.escalation_step;
  for (const step of steps) {
    const recipients = routing
      ? await targetRecipients(
          tx,
          {
            mainUnitIds: routing.main_unit_ids,
            assistUnitIds: routing.assist_unit_ids,
            leadOfficialIds: e?.step1_officials ?? routing.lead_official_ids,
            districtId: a.district_id ?? routing.district_id,
            scopeId: a.scope_id ?? routing.district_id,
            year: a.directory_year,
            day: toShanghaiDay(now),
          },
          [step === 1 ? 'lead' : 'leadership'],
        )
      : [];
    if (routing) {
      const officials = e?.step1_officials ?? routing.lead_official_ids;
      outboxIds.push(...(await reportUnreached(tx, a, step, officials, recipients, now, ctx)));
    }
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
      planContext(now, ctx.smsEnabled, ctx.settings, steps.length > 0 ? dueAt : null),
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
    nextEscalationAt({ ...a, escalation_step: reached }, ctx.settings, e),
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
