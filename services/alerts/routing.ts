/**
 * Who hears about an alert, from the responsibility matrix of the plan (action-plans.md §4.1):
 * 主责单位 (main units) receive it, 协办单位 (assisting units) are copied, 牵头领导 (lead officials) are told
 * when the main unit does not acknowledge in time, and the district leadership when the deadline passes.
 * Collective units expand at alert time: 各街道乡镇 → the street/town concerned (each street/town answers
 * for its own value), "members" collectives → their member units. People come from the contact directory
 * valid in the alert's year, because officials rotate (2021: 倪德才; 2024: 王翔宇, 姚伟龙).
 */
import type { Queryable } from '../db/queryable.js';
import type { PlanRecipient } from '../notify/plan-deliveries.js';
import { clockWindowFromTimes } from '../notify/quiet-hours.js';
import {
  areaUnits,
  commandUnits,
  contactsOfUnits,
  resolveUnitIds,
  targetRecipientRows,
  type ContactRow,
} from './routing-queries.js';

export type RecipientRole = 'main' | 'assist' | 'lead' | 'leadership' | 'command' | 'area' | 'ops';

export interface Recipient extends PlanRecipient {
  role: RecipientRole;
}

export interface TargetRouting {
  mainUnitIds: readonly string[];
  assistUnitIds: readonly string[];
  leadOfficialIds: readonly string[];
  districtId: string | null;
  scopeId: string;
  year: number;
  /** Shanghai day used to decide which streets/towns exist (five first appear in 2021). */
  day: string;
}

function toRecipient(c: ContactRow, role: RecipientRole): Recipient {
  return {
    contactId: c.id,
    role,
    email: c.email,
    mobile: c.mobile,
    locale: c.locale,
    quiet: clockWindowFromTimes(c.quiet_from, c.quiet_to),
  };
}

/** One entry per contact; the first role given wins (the command before the streets/towns). */
function mergeRecipients(...groups: Recipient[][]): Recipient[] {
  const seen = new Map<string, Recipient>();
  for (const group of groups) for (const r of group) if (!seen.has(r.contactId)) seen.set(r.contactId, r);
  return [...seen.values()];
}

export async function targetRecipients(
  db: Queryable,
  r: TargetRouting,
  roles: readonly ('main' | 'assist' | 'lead' | 'leadership')[],
): Promise<Recipient[]> {
  const rows = await targetRecipientRows(db, {
    mainUnitIds: roles.includes('main') ? r.mainUnitIds : [],
    assistUnitIds: roles.includes('assist') ? r.assistUnitIds : [],
    leadOfficialIds: roles.includes('lead') ? r.leadOfficialIds : [],
    leadership: roles.includes('leadership'),
    districtId: r.districtId,
    scopeId: r.scopeId,
    year: r.year,
    day: r.day,
  });
  return rows.map((c) => toRecipient(c, c.role));
}

/**
 * A heavy-pollution warning reaches the member units of the heavy-pollution command (区空气重污染应急指挥部,
 * 002:3466-3497) and the streets/towns of the warning area (every street/town when it names none).
 */
export async function warningRecipients(
  db: Queryable,
  w: { districtId: string | null; areaIds: readonly string[]; year: number; day: string },
): Promise<Recipient[]> {
  const commandUnitIds = new Set<string>();
  for (const c of await commandUnits(db, w.districtId)) {
    commandUnitIds.add(c.id);
    for (const m of c.members) commandUnitIds.add(m);
  }
  const areaUnitIds = await areaUnits(
    db,
    { areaId: null, districtId: w.districtId, areaIds: w.areaIds },
    w.day,
  );
  return mergeRecipients(
    (await contactsOfUnits(db, [...commandUnitIds], w.year)).map((c) => toRecipient(c, 'command')),
    (await contactsOfUnits(db, areaUnitIds, w.year)).map((c) => toRecipient(c, 'area')),
  );
}

/** Stale sources and failed deliveries go to the operators: the contacts of ALERT_OPS_UNITS. */
export async function opsRecipients(
  db: Queryable,
  opsUnits: readonly string[],
  year: number,
): Promise<Recipient[]> {
  const ids = await resolveUnitIds(db, opsUnits);
  return (await contactsOfUnits(db, ids, year)).map((c) => toRecipient(c, 'ops'));
}
