/** Reference and directory lookups for routing: units, scopes and the contacts valid in a year. */
import type { Queryable } from '../db/queryable.js';

export interface UnitRow {
  id: string;
  kind: 'department' | 'area' | 'collective' | 'command' | 'leadership';
  district_id: string | null;
  area_id: string | null;
  expands_to: 'area_of_scope' | 'all_areas' | 'members' | null;
  members: string[];
}

export interface ContactRow {
  id: string;
  unit_id: string | null;
  official_id: string | null;
  email: string | null;
  mobile: string | null;
  locale: 'zh-CN' | 'en';
  quiet_from: string | null;
  quiet_to: string | null;
}

/** Unit ids by id, name or alias (ALERT_OPS_UNITS may name units either way). */
export async function resolveUnitIds(db: Queryable, names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM unit WHERE id = ANY ($1::text[]) OR name_zh = ANY ($1::text[])
     UNION SELECT unit_id FROM unit_alias WHERE alias = ANY ($1::text[])`,
    [names],
  );
  return rows.map((r) => r.id);
}

/** The street/town government units of one area, or of every area of a district valid on `day`. */
export async function areaUnits(
  db: Queryable,
  where: { areaId: string | null; districtId: string | null; areaIds?: readonly string[] },
  day: string,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM unit u JOIN area a ON a.id = u.area_id
      WHERE u.kind = 'area'
        AND a.valid_from <= $4::date AND (a.valid_to IS NULL OR a.valid_to >= $4::date)
        AND CASE WHEN $1::text IS NOT NULL THEN a.id = $1
                 WHEN cardinality($3::text[]) > 0 THEN a.id = ANY ($3::text[])
                 ELSE a.district_id = $2 END
      ORDER BY a.sort_order, u.id`,
    [where.areaId, where.districtId, where.areaIds ?? [], day],
  );
  return rows.map((r) => r.id);
}

/** Command units (the heavy-pollution command) of a district; a NULL district matches every command. */
export async function commandUnits(db: Queryable, districtId: string | null): Promise<UnitRow[]> {
  const { rows } = await db.query<UnitRow>(
    `SELECT id, kind, district_id, area_id, expands_to, members FROM unit
      WHERE kind = 'command' AND ($1::text IS NULL OR district_id = $1 OR district_id IS NULL) ORDER BY id`,
    [districtId],
  );
  return rows;
}

const CONTACT_COLUMNS = `c.id, c.unit_id, c.official_id, c.email, c.mobile, c.locale,
  c.quiet_from::text AS quiet_from, c.quiet_to::text AS quiet_to`;
const VALID_IN_YEAR = `c.year_from <= $2 AND (c.year_to IS NULL OR c.year_to >= $2)`;

export async function contactsOfUnits(
  db: Queryable,
  unitIds: readonly string[],
  year: number,
): Promise<ContactRow[]> {
  if (unitIds.length === 0) return [];
  const { rows } = await db.query<ContactRow>(
    `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.unit_id = ANY ($1::text[]) AND ${VALID_IN_YEAR} ORDER BY c.id`,
    [unitIds, year],
  );
  return rows;
}

export interface RoutedContactRow extends ContactRow {
  role: 'main' | 'assist' | 'lead' | 'leadership';
}

/**
 * Everyone a target alert reaches in the given roles, in one statement (it runs for every alert of a storm):
 * the scope (an area, a district, or a site and its area), the named units with collectives expanded —
 * area_of_scope: the scope's street/town, or every street/town of the district valid on `day`; all_areas:
 * every street/town of the unit's district; members: the member units; commands: themselves and members;
 * no expands_to: nothing — then the contacts valid in `year`. One row per contact, the first role in
 * main → assist → lead → leadership order winning.
 */
export async function targetRecipientRows(
  db: Queryable,
  r: {
    mainUnitIds: readonly string[];
    assistUnitIds: readonly string[];
    leadOfficialIds: readonly string[];
    leadership: boolean;
    districtId: string | null;
    scopeId: string;
    year: number;
    day: string;
  },
): Promise<RoutedContactRow[]> {
  const { rows } = await db.query<RoutedContactRow>(
    `WITH scope AS (
       SELECT area_id, district_id FROM (
         SELECT id AS area_id, district_id, 1 AS o FROM area WHERE id = $1
         UNION ALL SELECT NULL, id, 2 FROM district WHERE id = $1
         UNION ALL SELECT area_id, district_id, 3 FROM site WHERE id = $1
         UNION ALL SELECT NULL, $2::text, 4) s ORDER BY o LIMIT 1
     ),
     named AS (
       SELECT 'main' AS role, 0 AS rank, x AS unit_id FROM unnest($3::text[]) x
       UNION ALL SELECT 'assist', 1, x FROM unnest($4::text[]) x
     ),
     expanded AS (
       SELECT n.role, n.rank, u.id AS unit_id FROM named n JOIN unit u ON u.id = n.unit_id WHERE u.kind <> 'collective'
       UNION ALL
       SELECT n.role, n.rank, m FROM named n JOIN unit u ON u.id = n.unit_id CROSS JOIN unnest(u.members) m
        WHERE u.kind = 'command' OR (u.kind = 'collective' AND u.expands_to = 'members')
       UNION ALL
       SELECT n.role, n.rank, g.id FROM named n
         JOIN unit u ON u.id = n.unit_id AND u.kind = 'collective' AND u.expands_to IN ('area_of_scope', 'all_areas')
         CROSS JOIN scope s
         JOIN area a ON a.valid_from <= $6::date AND (a.valid_to IS NULL OR a.valid_to >= $6::date)
                    AND CASE WHEN u.expands_to = 'area_of_scope' AND s.area_id IS NOT NULL THEN a.id = s.area_id
                             WHEN u.expands_to = 'area_of_scope' THEN a.district_id = coalesce(s.district_id, u.district_id)
                             ELSE a.district_id = coalesce(u.district_id, s.district_id) END
         JOIN unit g ON g.area_id = a.id AND g.kind = 'area'
     ),
     people AS (
       -- contact.role is the person's title (主任…); the routing role is route_role.
       SELECT e.role AS route_role, e.rank, c.* FROM expanded e JOIN contact c ON c.unit_id = e.unit_id
       UNION ALL SELECT 'lead', 2, c.* FROM contact c WHERE c.official_id = ANY ($5::text[])
       UNION ALL SELECT 'leadership', 3, c.* FROM contact c LEFT JOIN unit u ON u.id = c.unit_id
        WHERE $8 AND c.is_district_leadership AND ($2::text IS NULL OR u.id IS NULL OR u.district_id IS NULL OR u.district_id = $2)
     )
     SELECT DISTINCT ON (p.id) p.route_role AS role, p.id, p.unit_id, p.official_id, p.email, p.mobile, p.locale,
            p.quiet_from::text AS quiet_from, p.quiet_to::text AS quiet_to
       FROM people p
      WHERE p.year_from <= $7 AND (p.year_to IS NULL OR p.year_to >= $7)
      ORDER BY p.id, p.rank`,
    [r.scopeId, r.districtId, r.mainUnitIds, r.assistUnitIds, r.leadOfficialIds, r.day, r.year, r.leadership],
  );
  return rows;
}

export async function getContact(db: Queryable, id: string): Promise<ContactRow | null> {
  const { rows } = await db.query<ContactRow>(`SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.id = $1`, [
    id,
  ]);
  return rows[0] ?? null;
}
