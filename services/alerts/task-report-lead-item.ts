/**
 * A 督办 escalation of a unit's unreported monthly progress (task-report-reminders.ts) reaches the lead
 * officials (牵头领导) of the unreported tasks. Each official is told about the tasks they lead, not the unit's
 * whole list: in the demo 区园林绿化局 owed 59 reports, and 秦涛, who leads one of them, was sent all 59. The
 * alert keeps the unit's text (the dashboard, the unit's own mail); this rewrites the item for one recipient
 * when the delivery goes out, from the official → tasks map the escalation stored in its facts.
 */
import { z } from 'zod';
import type { Queryable } from '../db/queryable.js';
import type { MessageItem } from '../notify/message.js';
import { getContact } from './routing-queries.js';
import { taskHeadlines } from './task-reminder-queries.js';
import { leadEscalationText } from './task-reminder-text.js';

/** The facts of an escalated task_report_missing alert (reportEscalationText); older alerts lack them. */
const escalationFacts = z.object({
  unit: z.string(),
  unitZh: z.string(),
  unitEn: z.string(),
  month: z.string(),
  cutoff: z.string(),
  escalateOn: z.string(),
  missing: z.number().int().nonnegative(),
  tasksByLead: z.record(z.string(), z.array(z.string())),
});

/**
 * The item as `recipientId` should read it: unchanged unless it is an escalated report reminder and the
 * recipient is a lead official (not a person of the unit itself) leading some of the unreported tasks.
 */
export async function itemForRecipient(
  db: Queryable,
  item: MessageItem,
  recipientId: string,
): Promise<MessageItem> {
  if (item.kind !== 'task_report_missing') return item;
  const parsed = escalationFacts.safeParse(item.facts);
  if (!parsed.success) return item; // the reminder itself, or an escalation from before the map existed
  const f = parsed.data;
  const contact = await getContact(db, recipientId);
  // A person of the unit reads the unit's whole list, even one who is also an official.
  if (!contact?.official_id || contact.unit_id === f.unit) return item;
  const ids = f.tasksByLead[contact.official_id];
  if (!ids || ids.length === 0) return item;
  const byId = new Map((await taskHeadlines(db, ids)).map((t) => [t.id, t]));
  // A task removed from the config since keeps its id in the list rather than vanishing from it.
  const led = ids.map((id) => byId.get(id) ?? { id, key_task_zh: '', name_zh: '', deadline_zh: '' });
  const words = leadEscalationText(f, led);
  return {
    ...item,
    titleZh: words.titleZh,
    titleEn: words.titleEn,
    bodyZh: words.bodyZh,
    bodyEn: words.bodyEn,
    facts: { ...item.facts, whatZh: words.whatZh, whatEn: words.whatEn },
  };
}
