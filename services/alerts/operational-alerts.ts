/**
 * Alerts for the operators rather than the responsible units: a delivery refused for good, an e-mail whose
 * fate is unknown after a crash, a data source gone stale. They go to the contacts of ALERT_OPS_UNITS by
 * e-mail (SMS for someone without e-mail), are never urgent, and resolve when the data says so — the next
 * successful delivery to that contact and channel, the source delivering again.
 */
import type { Queryable } from '../db/queryable.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { toShanghaiDay } from '../time/shanghai.js';
import {
  findLiveAlert,
  insertAlert,
  insertAlertEvent,
  lockAlertKey,
  markClosed,
  markResolved,
  updateAlertCondition,
  type AlertKind,
  type AlertText,
} from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import {
  deliveryFailureText,
  providerAccountText,
  type DeliveryFailureInput,
  type ProviderAccountInput,
} from './alert-text.js';
import { opsRecipients } from './routing.js';

export interface OpsContext {
  now: Date;
  settings: AlertSettings;
  smsEnabled: boolean;
}

const NO_SMS_ROLES = new Set<never>();

export async function raiseOpsAlert(
  db: Queryable,
  a: {
    kind: Extract<AlertKind, 'operational' | 'stale_source'>;
    dedupeKey: string;
    condition: string;
    text: AlertText;
    sourceId?: string | null;
  },
  ctx: OpsContext,
): Promise<{ alertId: number; opened: boolean; outboxIds: number[] }> {
  await lockAlertKey(db, a.dedupeKey);
  const live = await findLiveAlert(db, a.dedupeKey);
  if (live && live.state !== 'resolved') {
    // Already raised: keep one alert and refresh what it says, without telling anyone again.
    await updateAlertCondition(
      db,
      live.id,
      { condition: a.condition, severity: 'warning', urgent: false, text: a.text, at: ctx.now },
      { kind: 'updated', detail: { condition: a.condition } },
    );
    return { alertId: live.id, opened: false, outboxIds: [] };
  }
  if (live) {
    // Resolved but not yet closed: this is a new occurrence; close the old record so history stays readable.
    await markClosed(db, live.id, 'system', ctx.now);
  }
  const alert = await insertAlert(
    db,
    {
      kind: a.kind,
      dedupeKey: a.dedupeKey,
      sourceId: a.sourceId ?? null,
      districtId: null,
      directoryYear: Number(toShanghaiDay(ctx.now).slice(0, 4)),
      severity: 'warning',
      urgent: false,
      condition: a.condition,
      text: a.text,
      at: ctx.now,
    },
    { kind: 'opened', detail: { condition: a.condition } },
  );
  const recipients = await opsRecipients(db, ctx.settings.opsUnits, alert.directory_year);
  const planned = await planDeliveries(
    db,
    { alertId: alert.id, step: 'open:1', recipients, urgent: false, digest: false, smsRoles: NO_SMS_ROLES },
    planContext(ctx.now, ctx.smsEnabled, ctx.settings),
  );
  return { alertId: alert.id, opened: true, outboxIds: planned.outboxIds };
}

export async function resolveOpsAlert(
  db: Queryable,
  dedupeKey: string,
  reason: string,
  at: Date,
): Promise<boolean> {
  const live = await findLiveAlert(db, dedupeKey);
  if (!live || (live.state !== 'firing' && live.state !== 'acknowledged')) return false;
  await markResolved(db, live.id, reason, at);
  await insertAlertEvent(db, { alertId: live.id, kind: 'resolved', detail: { reason }, at });
  return true;
}

/**
 * One operational alert per refused address and channel, not per contact: an office mailbox several contacts
 * share (值班室 and 工程师, or one person's rows of two directory years) refused with 550 was one alert per
 * contact that shared it, re-raised whenever one of them resolved (issue #20, "one SMTP 550 raised 26
 * operational alerts"). The alert stays firing — refreshed, not re-sent — until a delivery to that address
 * succeeds; every message still falls back on its own.
 */
export function deliveryFailureKey(address: string, channel: string): string {
  return `ops|delivery|${address.trim().toLowerCase()}|${channel}`;
}

export function raiseDeliveryFailure(db: Queryable, f: DeliveryFailureInput, ctx: OpsContext) {
  return raiseOpsAlert(
    db,
    {
      kind: 'operational',
      dedupeKey: deliveryFailureKey(f.address, f.channel),
      condition: 'failed',
      text: deliveryFailureText(f),
    },
    ctx,
  );
}

export function providerAccountKey(channel: string): string {
  return `ops|provider|${channel}`;
}

/** One alert per channel while its provider account refuses everything (refreshed, not repeated, per code). */
export function raiseProviderAccountFailure(db: Queryable, f: ProviderAccountInput, ctx: OpsContext) {
  return raiseOpsAlert(
    db,
    {
      kind: 'operational',
      dedupeKey: providerAccountKey(f.channel),
      condition: 'failed',
      text: providerAccountText(f),
    },
    ctx,
  );
}
