/**
 * The alerts side of notify's DeliveryOutcomes: what the end of a delivery means. Accepted — a contact that
 * could not be reached before can be now, and the operational alert about it resolves. Failed for good —
 * try the other channel once (`~fallback`), and tell the operators (never an alert about an alert about a
 * failure). Held after a crash — one operational alert lists the e-mails a person must check. Each runs
 * inside notify's transaction that records the outcome.
 */
import { planContext } from './alert-settings.js';
import type { Queryable } from '../db/queryable.js';
import { hasDeliveryOnChannel, type DeliveryRow } from '../notify/delivery-queries.js';
import type { DeliveryOutcomes, PermanentFailure } from '../notify/message.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { clockWindowFromTimes } from '../notify/quiet-hours.js';
import { getAlert, resolveLiveByKeys, type AlertRow } from './alert-queries.js';
import {
  deliveryFailureKey,
  providerAccountKey,
  raiseDeliveryFailure,
  raiseOpsAlert,
  raiseProviderAccountFailure,
  type OpsContext,
} from './operational-alerts.js';
import { getContact } from './routing-queries.js';

type Ctx = Omit<OpsContext, 'now'>;

export function alertDeliveryOutcomes(ctx: Ctx): DeliveryOutcomes {
  return {
    async sent(tx, d, at) {
      // The address is reachable again, and the provider account works again.
      const keys = [deliveryFailureKey(d.address, d.channel), providerAccountKey(d.channel)];
      await resolveLiveByKeys(tx, keys, `delivery ${d.id} succeeded`, at);
    },
    failed: (tx, f, now) => onFailed(tx, f, { ...ctx, now }),
    held: (tx, held, now) => raiseHeld(tx, held, { ...ctx, now }),
  };
}

async function onFailed(db: Queryable, f: PermanentFailure, ctx: OpsContext): Promise<number[]> {
  const d = f.delivery;
  const alert = d.alert_id === null ? null : await getAlert(db, d.alert_id);
  const fallback = await planFallback(db, d, alert, ctx);
  if (alert?.kind === 'operational') return fallback.outboxIds; // never an alert about an alert about a failure
  if (f.account) {
    const ops = await raiseProviderAccountFailure(
      db,
      { channel: d.channel, code: f.code ?? 'unknown', error: f.error },
      ctx,
    );
    return [...fallback.outboxIds, ...ops.outboxIds];
  }
  const ops = await raiseDeliveryFailure(
    db,
    {
      recipientId: d.recipient_id,
      channel: d.channel,
      address: d.address,
      error: f.error,
      code: f.code,
      fallback: fallback.channel,
      alertTitleZh: alert?.title_zh ?? null,
    },
    ctx,
  );
  return [...fallback.outboxIds, ...ops.outboxIds];
}
async function planFallback(
  db: Queryable,
  d: DeliveryRow,
  alert: AlertRow | null,
  ctx: OpsContext,
): Promise<{ channel: 'email' | 'sms' | null; outboxIds: number[] }> {
  if (d.step.endsWith('~fallback')) return { channel: null, outboxIds: [] };
  const other = d.channel === 'email' ? 'sms' : 'email';
  // Already reached on the other channel for the same occasion (a main unit gets e-mail and SMS): done.
  if (
    await hasDeliveryOnChannel(db, {
      alertId: d.alert_id,
      recipientId: d.recipient_id,
      channel: other,
      step: d.step,
    })
  ) {
    return { channel: other, outboxIds: [] };
  }
  const contact = await getContact(db, d.recipient_id);
  const address = other === 'email' ? contact?.email : contact?.mobile;
  if (!contact || !address || (other === 'sms' && !ctx.smsEnabled)) return { channel: null, outboxIds: [] };
  const planned = await planDeliveries(
    db,
    {
      alertId: d.alert_id,
      step: `${d.step}~fallback`,
      recipients: [
        {
          contactId: contact.id,
          role: d.recipient_role,
          email: other === 'email' ? address : null,
          mobile: other === 'sms' ? address : null,
          locale: d.locale,
          quiet: clockWindowFromTimes(contact.quiet_from, contact.quiet_to),
        },
      ],
      urgent: alert?.urgent ?? false,
      digest: false,
      smsRoles: new Set([d.recipient_role]),
      fallbackOf: d.id,
    },
    { ...planContext(ctx.now, ctx.smsEnabled, ctx.settings), grouping: null },
  );
  return { channel: other, outboxIds: planned.outboxIds };
}

/** One operational alert for the messages of this sweep whose fate only the provider knows. */
async function raiseHeld(tx: Queryable, held: readonly DeliveryRow[], ctx: OpsContext): Promise<number[]> {
  const idZh = (d: DeliveryRow) =>
    d.channel === 'email' ? `邮件 Message-ID ${d.message_id ?? '?'}` : `短信 OutId ${d.message_id ?? '?'}`;
  const idEn = (d: DeliveryRow) =>
    d.channel === 'email' ? `e-mail Message-ID ${d.message_id ?? '?'}` : `SMS OutId ${d.message_id ?? '?'}`;
  const list = held.map((d) => `${d.id}（${d.recipient_id}，${idZh(d)}）`).join('；');
  const listEn = held.map((d) => `${d.id} (${d.recipient_id}, ${idEn(d)})`).join('; ');
  const r = await raiseOpsAlert(
    tx,
    {
      kind: 'operational',
      dedupeKey: `ops|ambiguous|${held[0]!.id}`,
      condition: 'unknown',
      text: {
        titleZh: `【发送状态待核实】${held.length} 条消息在发送中工作进程中断`,
        titleEn: `[Check delivery] ${held.length} message(s) interrupted mid-send`,
        bodyZh: `以下投递已交给邮件服务器或短信服务商，但工作进程在收到答复前中断，无法确认是否已被接收；为避免重复，系统不自动重发。请在邮件服务器日志（按 Message-ID）或短信服务商控制台（按 OutId、号码）核实：${list}`,
        bodyEn: `These messages were handed to the mail server or the SMS provider, but the worker stopped before the answer was recorded; to avoid duplicates they are not resent. Please check the mail server log (by Message-ID) or the SMS provider console (by OutId and number): ${listEn}`,
        facts: { whatZh: `${held.length}条消息状态待核实`, whatEn: `${held.length} message(s) to check` },
      },
    },
    ctx,
  );
  return r.outboxIds;
}
