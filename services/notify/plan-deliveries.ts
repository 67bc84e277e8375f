/**
 * Turns recipients of one alert step into delivery rows, inside the caller's transaction (the same one
 * that changed the alert), with one outbox message per delivery that can go now. The idempotency key
 * alert × recipient × channel × step is unique: planning the same step twice (a job run twice, two
 * workers racing) creates nothing the second time.
 *
 * Channels: e-mail to everyone who has an address; SMS to the roles that must act (main units, lead
 * officials, leadership, the heavy-pollution command and streets/towns), and to anyone without e-mail.
 * Non-urgent SMS waits for working hours and the contact's quiet hours (status 'deferred' with not_before;
 * the sweep releases it). Digest mode: one e-mail item per person, gathered by the daily digest.
 */
import type { Queryable } from '../db/queryable.js';
import type { WorkingCalendar } from '../time/working-days.js';
import { deliveryKey } from './delivery-queries.js';
import { itemDue, scheduleGroupHeads, type Grouping } from './group-deliveries.js';
import type { GroupKey } from './group-queries.js';
import { sendDeliveryOutboxColumnsSql } from '../outbox/messages.js';
import { nextSendableInstant, type ClockWindow } from './quiet-hours.js';

/** One person to reach; the role (main, assist, lead, ...) is the planner's word, stored on the delivery. */
export interface PlanRecipient {
  contactId: string;
  role: string;
  email: string | null;
  mobile: string | null;
  locale: 'zh-CN' | 'en';
  quiet: ClockWindow | null;
}

export interface PlanStep {
  /** null for a digest's own fallback (a digest belongs to no single alert). */
  alertId: number | null;
  step: string;
  recipients: readonly PlanRecipient[];
  /** Urgent SMS ignores working and quiet hours. */
  urgent: boolean;
  /**
   * Never held for grouping beyond the short urgent wait, nor by group_interval: hard breaches during a
   * heavy-pollution warning, the warning issued or lifted. (Any hard breach is `urgent` for SMS hours.)
   */
  groupUrgent?: boolean;
  /** Gather into the daily digest instead of sending one message each. */
  digest: boolean;
  /** Roles that get SMS in addition to e-mail. */
  smsRoles: ReadonlySet<string>;
  /** Never SMS (e.g. a resolution notice), unless the person has no e-mail. */
  emailOnly?: boolean;
  fallbackOf?: number | null;
}

export interface PlanContext {
  now: Date;
  /**
   * When what is planned became due (the evaluation's time, the escalation's due instant); grouping's
   * window opens then (group-deliveries.ts windowOpensAt). Absent: now.
   */
  since?: Date | null;
  smsEnabled: boolean;
  workingHours: ClockWindow;
  /** Non-urgent SMS waits for a working day too; null: any day (the calendar is the planner's to give). */
  calendar?: WorkingCalendar | null;
  /** Per-recipient grouping (group-queries.ts); null or absent: each delivery is its own message. */
  grouping?: Grouping | null;
}

interface Row {
  recipientId: string;
  role: string;
  channel: 'email' | 'sms';
  address: string;
  locale: string;
  mode: 'immediate' | 'digest' | 'group';
  status: 'pending' | 'deferred';
  notBefore: Date;
}

/**
 * With grouping on, a row that would go out by itself becomes an item of its person's group message:
 * always 'pending' (it is never sent alone), not_before = when it wants to go (group-deliveries.ts).
 * Fallbacks stay single: they finish a message that already went out.
 */
function grouped(rows: Row[], s: PlanStep, ctx: PlanContext): Row[] {
  const g = ctx.grouping;
  if (!g || s.digest || s.fallbackOf != null) return rows;
  return rows.map((r) =>
    r.mode !== 'immediate'
      ? r
      : {
          ...r,
          mode: 'group',
          status: 'pending',
          notBefore: itemDue(ctx.now, s.groupUrgent ?? false, r.notBefore, g, ctx.since),
        },
  );
}

export { deliveryKey } from './delivery-queries.js';

function rowsFor(s: PlanStep, ctx: PlanContext): Row[] {
  const rows: Row[] = [];
  for (const r of s.recipients) {
    const base = { recipientId: r.contactId, role: r.role, locale: r.locale };
    if (r.email) {
      rows.push({
        ...base,
        channel: 'email',
        address: r.email,
        mode: s.digest ? 'digest' : 'immediate',
        status: 'pending',
        notBefore: ctx.now,
      });
    }
    const wantsSms = !r.email || (!s.digest && !s.emailOnly && s.smsRoles.has(r.role));
    if (r.mobile && ctx.smsEnabled && wantsSms) {
      const at = s.urgent
        ? ctx.now
        : nextSendableInstant(ctx.now, ctx.workingHours, r.quiet, ctx.calendar ?? null);
      const held = at.getTime() > ctx.now.getTime();
      rows.push({
        ...base,
        channel: 'sms',
        address: r.mobile,
        mode: 'immediate',
        status: held ? 'deferred' : 'pending',
        notBefore: at,
      });
    }
  }
  return rows;
}

export interface PlanResult {
  created: number;
  deliveryIds: number[];
  outboxIds: number[];
}

export async function planDeliveries(db: Queryable, s: PlanStep, ctx: PlanContext): Promise<PlanResult> {
  const rows = grouped(rowsFor(s, ctx), s, ctx);
  if (rows.length === 0) return { created: 0, deliveryIds: [], outboxIds: [] };
  // One statement for the rows and their outbox messages: an alert storm plans thousands per second.
  const { rows: result } = await db.query<{ delivery_ids: number[] | null; outbox_ids: number[] | null }>(
    `WITH d AS (
       INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, mode,
         idempotency_key, status, not_before, enqueued, fallback_of, created_at, updated_at, urgent)
       SELECT $1, r.recipient_id, r.role, r.channel, r.address, r.locale, $2, r.mode, r.key, r.status, r.not_before,
              CASE WHEN r.status = 'pending' AND r.mode = 'immediate' THEN 1 ELSE 0 END, $11, $12, $12, $14
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                     $13::timestamptz[])
              AS r(recipient_id, role, channel, address, locale, mode, key, status, not_before)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id, status, mode
     ), o AS (
       -- The same message as sendDeliveryOutbox(id, 1) (services/outbox/messages.ts).
       INSERT INTO outbox (queue, job_name, job_id, payload)
       SELECT ${sendDeliveryOutboxColumnsSql('id', '1')}
         FROM d WHERE status = 'pending' AND mode = 'immediate'
       RETURNING id
     )
     SELECT (SELECT array_agg(id ORDER BY id) FROM d) AS delivery_ids, (SELECT array_agg(id ORDER BY id) FROM o) AS outbox_ids`,
    [
      s.alertId,
      s.step,
      rows.map((r) => r.recipientId),
      rows.map((r) => r.role),
      rows.map((r) => r.channel),
      rows.map((r) => r.address),
      rows.map((r) => r.locale),
      rows.map((r) => r.mode),
      rows.map((r) => deliveryKey(s.alertId, r.recipientId, r.channel, s.step)),
      rows.map((r) => r.status),
      s.fallbackOf ?? null,
      ctx.now,
      rows.map((r) => r.notBefore),
      s.groupUrgent ?? false,
    ],
  );
  const deliveryIds = result[0]?.delivery_ids ?? [];
  const outboxIds = result[0]?.outbox_ids ?? [];
  const groupKeys: GroupKey[] = rows
    .filter((r) => r.mode === 'group')
    .map((r) => ({ recipientId: r.recipientId, channel: r.channel, address: r.address }));
  if (ctx.grouping && groupKeys.length > 0 && deliveryIds.length > 0) {
    const schedule = { now: ctx.now, grouping: ctx.grouping, recompute: s.groupUrgent ?? false };
    outboxIds.push(...(await scheduleGroupHeads(db, groupKeys, schedule)));
  }
  return { created: deliveryIds.length, deliveryIds, outboxIds };
}
