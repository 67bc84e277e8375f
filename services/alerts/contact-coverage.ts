/**
 * No silent drops (issue #14, item 6): who the plans make responsible but the contact directory cannot
 * reach in a year. At the demo's orange warning 6 of the 8 command-member units received nothing and
 * nobody was told; now `envwatch seed` / `doctor` list every such unit, official and collective body,
 * GET /api/contacts/coverage serves the list, and a delivery that finds nobody for a unit raises ONE
 * operational alert per unit and year (the contact directory's period: officials rotate by year).
 */
import type { Queryable } from '../db/queryable.js';
import { raiseOpsAlert, type OpsContext } from './operational-alerts.js';

export interface CoverageGap {
  /** unit: a department or street/town government; official: a lead official (牵头领导);
   *  command_member: a member unit of a heavy-pollution command; leadership: the district leadership. */
  kind: 'unit' | 'official' | 'command_member' | 'leadership';
  id: string;
  nameZh: string;
  nameEn: string;
  /** The collective body it answers for (the command, 各街道乡镇), or null. */
  viaZh: string | null;
}

/**
 * Everyone responsible in `year` without a contact valid that year: units named by enabled targets (with
 * 各街道乡镇 and member collectives expanded), every street/town government, the members of each command,
 * the lead officials in office that year, and each district's leadership.
 */
export async function coverageGaps(db: Queryable, year: number): Promise<CoverageGap[]> {
  const { rows } = await db.query<CoverageGap>(
    `WITH named AS (
       SELECT DISTINCT unnest(main_unit_ids || assist_unit_ids) AS unit_id FROM target WHERE enabled
     ),
     responsible AS (
       SELECT u.id, NULL::text AS via, 'unit' AS kind FROM named n JOIN unit u ON u.id = n.unit_id
        WHERE u.kind IN ('department', 'area')
       UNION SELECT m, u.name_zh, 'unit' FROM named n JOIN unit u ON u.id = n.unit_id CROSS JOIN unnest(u.members) m
        WHERE u.kind = 'collective' AND u.expands_to = 'members'
       UNION SELECT a.id, NULL, 'unit' FROM unit a WHERE a.kind = 'area'
       UNION SELECT m, c.name_zh, 'command_member' FROM unit c CROSS JOIN unnest(c.members) m WHERE c.kind = 'command'
     ),
     valid AS (
       SELECT * FROM contact c WHERE c.year_from <= $1 AND (c.year_to IS NULL OR c.year_to >= $1)
     )
     SELECT r.kind, u.id, u.name_zh AS "nameZh", u.name_en AS "nameEn", r.via AS "viaZh"
       FROM responsible r JOIN unit u ON u.id = r.id
      WHERE NOT EXISTS (SELECT 1 FROM valid c WHERE c.unit_id = u.id)
     UNION ALL
     SELECT 'official', o.id, o.name_zh, o.name_en, NULL
       FROM official o
      WHERE o.id IN (SELECT unnest(lead_official_ids) FROM target WHERE enabled AND period_year = $1)
        AND NOT EXISTS (SELECT 1 FROM valid c WHERE c.official_id = o.id)
     UNION ALL
     SELECT 'leadership', l.id, l.name_zh, l.name_en, NULL
       FROM unit l
      WHERE l.kind = 'leadership'
        AND NOT EXISTS (SELECT 1 FROM valid c LEFT JOIN unit cu ON cu.id = c.unit_id
                         WHERE c.is_district_leadership
                           AND (c.unit_id = l.id OR cu.district_id IS NOT DISTINCT FROM l.district_id OR c.unit_id IS NULL))
      ORDER BY 1, 2`,
    [year],
  );
  return rows;
}

/** One line per gap, Chinese first, for the CLI. */
export function describeGap(g: CoverageGap, year: number): string {
  const what = { unit: '单位', official: '牵头领导', command_member: '指挥部成员单位', leadership: '区领导' }[
    g.kind
  ];
  const via = g.viaZh ? `（${g.viaZh}）` : '';
  return `${what} ${g.nameZh}${via} [${g.id}]: ${year} 年无有效联系人 / no reachable contact for ${year}`;
}

/**
 * A message that found nobody for `who`: one operational alert per unit/official and year (the dedupe key
 * holds while it is open; seeding a contact and the next successful delivery is the operators' cue to
 * close it).
 */
export async function raiseNoRecipient(
  db: Queryable,
  who: { id: string; nameZh: string; nameEn: string; year: number; contextZh: string; contextEn: string },
  ctx: OpsContext,
): Promise<number[]> {
  const r = await raiseOpsAlert(
    db,
    {
      kind: 'operational',
      dedupeKey: `ops|no-contact|${who.id}|${who.year}`,
      condition: 'failed',
      text: {
        titleZh: `【无人接收】${who.nameZh} ${who.year} 年无有效联系人`,
        titleEn: `[Nobody reached] ${who.nameEn} has no contact for ${who.year}`,
        bodyZh: `${who.contextZh}未能送达${who.nameZh}：通讯录中没有其 ${who.year} 年有效的联系人。请在通讯录（CONTACTS_FILE）中补充后运行 envwatch seed。`,
        bodyEn: `${who.contextEn} did not reach ${who.nameEn}: the contact directory has nobody valid in ${who.year}. Add a contact (CONTACTS_FILE) and run envwatch seed.`,
        facts: { whatZh: `${who.nameZh}无有效联系人`, whatEn: `no contact for ${who.nameEn}` },
      },
    },
    ctx,
  );
  return r.opened ? r.outboxIds : [];
}

/** The units among `unitIds` with no contact valid in `year` (for a message about to be planned). */
export async function unreachableUnits(
  db: Queryable,
  unitIds: readonly string[],
  year: number,
): Promise<{ id: string; nameZh: string; nameEn: string }[]> {
  if (unitIds.length === 0) return [];
  const { rows } = await db.query<{ id: string; nameZh: string; nameEn: string }>(
    `SELECT u.id, u.name_zh AS "nameZh", u.name_en AS "nameEn" FROM unit u
      WHERE u.id = ANY ($1::text[]) AND u.kind NOT IN ('collective', 'command')
        AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.unit_id = u.id
                         AND c.year_from <= $2 AND (c.year_to IS NULL OR c.year_to >= $2))
      ORDER BY u.id`,
    [unitIds, year],
  );
  return rows;
}

/** The officials among `officialIds` with no contact valid in `year` (an escalation step about to be planned). */
export async function unreachableOfficials(
  db: Queryable,
  officialIds: readonly string[],
  year: number,
): Promise<{ id: string; nameZh: string; nameEn: string }[]> {
  if (officialIds.length === 0) return [];
  const { rows } = await db.query<{ id: string; nameZh: string; nameEn: string }>(
    `SELECT o.id, o.name_zh AS "nameZh", o.name_en AS "nameEn" FROM official o
      WHERE o.id = ANY ($1::text[])
        AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.official_id = o.id
                         AND c.year_from <= $2 AND (c.year_to IS NULL OR c.year_to >= $2))
      ORDER BY o.id`,
    [officialIds, year],
  );
  return rows;
}

/** The district's leadership body (unit kind 'leadership'), for naming who the deadline step missed. */
export async function leadershipOf(
  db: Queryable,
  districtId: string | null,
): Promise<{ id: string; nameZh: string; nameEn: string }> {
  const { rows } = await db.query<{ id: string; nameZh: string; nameEn: string }>(
    `SELECT id, name_zh AS "nameZh", name_en AS "nameEn" FROM unit
      WHERE kind = 'leadership' AND district_id IS NOT DISTINCT FROM $1 ORDER BY id LIMIT 1`,
    [districtId],
  );
  return (
    rows[0] ?? {
      id: `leadership:${districtId ?? 'all'}`,
      nameZh: '区领导',
      nameEn: 'District leadership',
    }
  );
}
