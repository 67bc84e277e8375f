/**
 * Applies a target's newest evaluation to its alert — open, update, reopen, resolve — and plans the
 * deliveries, all in one transaction with the alert change (the outbox rows included). Driven by the
 * targets engine's outbox message `sync-alert {evaluationId}`; the message only names the key, the state
 * is read from evaluation_current, so a late or repeated message is harmless.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { cancelUnsentDeliveries, toldRecipients } from '../notify/delivery-queries.js';
import { planDeliveries, type PlanContext } from '../notify/plan-deliveries.js';
import { parsePeriod } from '../time/periods.js';
import { addDays, shanghaiDayStart, toShanghaiDay } from '../time/shanghai.js';
import {
  findLiveAlert,
  insertAlert,
  insertAlertEvent,
  lockAlertKey,
  markResolved,
  reopenAlert,
  updateAlertCondition,
  type AlertRow,
} from './alert-queries.js';
import { planContext, type AlertSettings, type DigestMode } from './alert-settings.js';
import { targetAlertText } from './alert-text.js';
import { nextEscalationAt } from './escalation.js';
import {
  currentEvaluation,
  lockEvaluationKey,
  metDaysSinceProblem,
  type CurrentEvaluation,
  type EvaluationKey,
} from './evaluation-queries.js';
import { raiseNoRecipient, unreachableUnits } from './contact-coverage.js';
import { warningInForce } from './heavy-pollution.js';
import { areaUnits } from './routing-queries.js';
import { decideTargetAction, maxSeverity, severityFor, type TargetAction } from './hysteresis.js';
import { targetRecipients, type RecipientRole } from './routing.js';

export interface SyncContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
}

export interface SyncResult {
  alertId: number | null;
  action: TargetAction['kind'];
  deliveries: number;
  outboxIds: number[];
}

const SMS_ROLES = new Set<RecipientRole>(['main', 'lead', 'leadership']);

export function dedupeKeyFor(k: EvaluationKey): string {
  return `target|${k.target_id}|${k.scope_id}|${k.period_key}`;
}

/** Soft-target notices (and, if configured, hard at-risk warnings) wait for the daily digest. */
export function isDigestible(severity: AlertRow['severity'], mode: DigestMode): boolean {
  if (severity === 'notice') return mode !== 'off';
  if (severity === 'warning') return mode === 'soft_and_at_risk';
  return false;
}

/** "Still open at the deadline": the moment the deadline day (or, without one, the period) ends. */
function deadlineAt(ev: CurrentEvaluation, periodKey: string): Date {
  const lastDay = ev.deadline ?? parsePeriod(periodKey).to;
  return shanghaiDayStart(addDays(lastDay, 1));
}

export async function syncTargetAlert(
  db: pg.Pool,
  evaluationId: number,
  ctx: SyncContext,
): Promise<SyncResult> {
  return withTransaction(db, async (tx) => {
    const key = await lockEvaluationKey(tx, evaluationId);
    if (!key) return { alertId: null, action: 'none', deliveries: 0, outboxIds: [] };
    return syncKey(tx, key, ctx, { locked: true });
  });
}

type Roles = ('main' | 'assist' | 'lead' | 'leadership')[];

export async function syncKey(
  tx: Queryable,
  key: EvaluationKey,
  ctx: SyncContext,
  opts: { locked?: boolean } = {},
): Promise<SyncResult> {
  const dedupeKey = dedupeKeyFor(key);
  if (!opts.locked) await lockAlertKey(tx, dedupeKey);
  const ev = await currentEvaluation(tx, key);
  if (!ev) return { alertId: null, action: 'none', deliveries: 0, outboxIds: [] };
  // The advisory lock serialises every writer of this alert; acknowledgement changes only the state, and the
  // state-changing statements below are conditional on it, so no row lock is needed to read it.
  const alert = await findLiveAlert(tx, dedupeKey, { lock: false });
  const action = decideTargetAction({
    alert,
    status: ev.status,
    metDays: ev.status === 'met' && alert ? await metDaysSinceProblem(tx, key) : 0,
    final: ev.final,
    resolveAfterMetDays: ctx.settings.resolveAfterMetDays,
  });
  if (action.kind === 'none')
    return { alertId: alert?.id ?? null, action: 'none', deliveries: 0, outboxIds: [] };
  const text = targetAlertText({
    targetId: ev.target_id,
    targetTitleZh: ev.title_zh,
    targetTitleEn: ev.title_en,
    clauseZh: ev.clause_zh,
    source: ev.source,
    strictness: ev.strictness,
    scopeZh: ev.scope_zh,
    scopeEn: ev.scope_en,
    periodKey: key.period_key,
    status: ev.status,
    value: ev.value,
    threshold: ev.threshold,
    unitZh: ev.unit_zh,
    unitEn: ev.unit_en,
    explanationZh: ev.explanation_zh,
    explanationEn: ev.explanation_en,
    deadline: ev.deadline,
    asOf: ev.as_of,
  });
  const planCtx: PlanContext = planContext(ctx.now, ctx.smsEnabled, ctx.settings, ev.evaluated_at);
  const result: SyncResult = {
    alertId: alert?.id ?? null,
    action: action.kind,
    deliveries: 0,
    outboxIds: [],
  };
  // Nobody of the main units can be told: one operational alert per unreachable unit and year, not a skip.
  const noMainRecipient = async () => {
    const day = toShanghaiDay(ctx.now);
    const units = [
      ...ev.main_unit_ids,
      ...(await areaUnits(tx, { areaId: key.scope_id, districtId: null }, day)),
    ];
    for (const u of await unreachableUnits(tx, units, ev.year)) {
      const context = { contextZh: `目标预警“${ev.title_zh}”`, contextEn: `The alert on "${ev.title_en}"` };
      result.outboxIds.push(...(await raiseNoRecipient(tx, { ...u, year: ev.year, ...context }, ctx)));
    }
  };
  // A hard breach while a heavy-pollution warning is in force is never held back for grouping.
  const duringWarning = async (a: AlertRow) =>
    a.severity === 'critical' && (await warningInForce(tx, ev.district_id, ctx.now));
  const notify = async (a: AlertRow, step: string, roles: Roles, o: { emailOnly?: boolean } = {}) => {
    const recipients = await targetRecipients(
      tx,
      {
        mainUnitIds: ev.main_unit_ids,
        assistUnitIds: ev.assist_unit_ids,
        leadOfficialIds: ev.lead_official_ids,
        districtId: ev.district_id,
        scopeId: key.scope_id,
        year: ev.year,
        day: toShanghaiDay(ctx.now),
      },
      roles,
    );
    if (roles.includes('main') && !recipients.some((r) => r.role === 'main')) await noMainRecipient();
    const planned = await planDeliveries(
      tx,
      {
        alertId: a.id,
        step,
        recipients,
        urgent: a.urgent,
        groupUrgent: await duringWarning(a),
        digest: isDigestible(a.severity, ctx.settings.digest),
        smsRoles: SMS_ROLES,
        ...o,
      },
      planCtx,
    );
    result.deliveries += planned.created;
    result.outboxIds.push(...planned.outboxIds);
  };
  const escalation = (
    a: Pick<AlertRow, 'severity' | 'condition' | 'escalation_step' | 'fired_at' | 'deadline_at'>,
    state: AlertRow['state'],
  ) => nextEscalationAt({ ...a, kind: 'target', state }, ctx.settings, ev.escalation);

  switch (action.kind) {
    case 'open': {
      const severity = severityFor(ev.strictness, ev.status);
      const deadline = deadlineAt(ev, key.period_key);
      const a = await insertAlert(
        tx,
        {
          kind: 'target',
          dedupeKey,
          targetId: key.target_id,
          scopeId: key.scope_id,
          periodKey: key.period_key,
          districtId: ev.district_id,
          directoryYear: ev.year,
          severity,
          urgent: severity === 'critical',
          condition: ev.status,
          text,
          evaluationId: ev.evaluation_id,
          deadlineAt: deadline,
          nextEscalationAt: escalation(
            { severity, condition: ev.status, escalation_step: 0, fired_at: ctx.now, deadline_at: deadline },
            'firing',
          ),
          at: ctx.now,
        },
        { kind: 'opened', detail: { evaluationId: ev.evaluation_id, status: ev.status } },
      );
      result.alertId = a.id;
      await notify(a, 'open:1', ['main', 'assist']);
      return result;
    }
    case 'reopen': {
      const reopened = await reopenAlert(tx, alert!.id, ctx.now);
      const severity = severityFor(ev.strictness, ev.status);
      const a = await updateAlertCondition(
        tx,
        reopened.id,
        {
          condition: ev.status,
          severity,
          urgent: severity === 'critical',
          text,
          evaluationId: ev.evaluation_id,
          nextEscalationAt: escalation({ ...reopened, severity, condition: ev.status }, 'firing'),
          at: ctx.now,
        },
        {
          kind: 'reopened',
          detail: { evaluationId: ev.evaluation_id, status: ev.status, revision: reopened.revision },
        },
      );
      await notify(a, `open:${a.revision}`, ['main', 'assist']);
      return result;
    }
    case 'update':
    case 'recovering': {
      const severity =
        ev.status === 'met'
          ? alert!.severity
          : maxSeverity(alert!.severity, severityFor(ev.strictness, ev.status));
      const a = await updateAlertCondition(
        tx,
        alert!.id,
        {
          condition: ev.status,
          severity,
          urgent: severity === 'critical',
          text,
          evaluationId: ev.evaluation_id,
          nextEscalationAt: escalation({ ...alert!, severity, condition: ev.status }, alert!.state),
          at: ctx.now,
        },
        {
          kind: 'updated',
          detail: { evaluationId: ev.evaluation_id, from: alert!.condition, to: ev.status },
        },
      );
      // A worsening to a breach is news even after an acknowledgement (of the at-risk warning).
      if (action.kind === 'update' && action.notifyBreached)
        await notify(a, `breached:${a.revision}`, ['main', 'assist']);
      return result;
    }
    case 'resolve': {
      await updateAlertCondition(tx, alert!.id, {
        condition: 'met',
        severity: alert!.severity,
        urgent: alert!.urgent,
        text,
        evaluationId: ev.evaluation_id,
        at: ctx.now,
      });
      const a = (await markResolved(tx, alert!.id, action.reason, ctx.now))!;
      await insertAlertEvent(tx, {
        alertId: a.id,
        kind: 'resolved',
        detail: { evaluationId: ev.evaluation_id, reason: action.reason },
        at: ctx.now,
      });
      await cancelUnsentDeliveries(tx, a.id, 'alert resolved', ctx.now);
      // One short "已恢复" to exactly those who were told it fired (for the configured severities); e-mail
      // only — good news is never worth a night-time SMS (SMS only for someone without e-mail).
      if (ctx.settings.resolvedNoticeSeverities.has(a.severity)) {
        const told = (await toldRecipients(tx, a.id)).map((r) => ({ ...r, quiet: null }));
        const planned = await planDeliveries(
          tx,
          {
            alertId: a.id,
            step: `resolved:${a.revision}`,
            recipients: told,
            urgent: false,
            digest: false,
            smsRoles: SMS_ROLES,
            emailOnly: true,
          },
          // Resolution is decided now (the sweep may find a days-old verdict has held long enough).
          { ...planCtx, since: null },
        );
        result.deliveries += planned.created;
        result.outboxIds.push(...planned.outboxIds);
      }
      return result;
    }
  }
}

/**
 * Sweep parts: keys re-checked against their current verdict — open alerts whose data is 'met' again (hysteresis
 * may allow resolving now), problem verdicts whose sync-alert job was lost.
 */
export async function resolveRecovered(
  db: pg.Pool,
  ctx: SyncContext,
  keys: EvaluationKey[],
): Promise<SyncResult[]> {
  const out: SyncResult[] = [];
  for (const k of keys) out.push(await withTransaction(db, (tx) => syncKey(tx, k, ctx)));
  return out;
}
