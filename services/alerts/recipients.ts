/**
 * Who hears about a target: the main units (主责单位), with collective units such as 各街道乡镇 resolved to
 * the street/town concerned; contacts valid in the plan year. (Assisting units and lead officials are
 * added by the routing of the alerts issue.)
 */
import type { Queryable } from '../db/queryable.js';

export interface Recipient {
  contactId: string;
  email: string | null;
  mobile: string | null;
  locale: 'zh-CN' | 'en';
  role: 'main' | 'assist' | 'lead' | 'leadership';
}

export async function mainUnitRecipients(
  db: Queryable,
  mainUnitIds: readonly string[],
  scopeId: string,
  year: number,
): Promise<Recipient[]> {
  const { rows } = await db.query<{ id: string; email: string | null; mobile: string | null; locale: 'zh-CN' | 'en' }>(
    `WITH units AS (
       SELECT u.id FROM unit u WHERE u.id = ANY ($1) AND u.kind <> 'collective'
       UNION
       SELECT g.id FROM unit u JOIN unit g ON g.area_id = $2 AND g.kind = 'area'
        WHERE u.id = ANY ($1) AND u.kind = 'collective' AND u.expands_to = 'area_of_scope'
     )
     SELECT c.id, c.email, c.mobile, c.locale FROM contact c JOIN units ON units.id = c.unit_id
      WHERE c.year_from <= $3 AND (c.year_to IS NULL OR c.year_to >= $3)
      ORDER BY c.id`,
    [mainUnitIds, scopeId, year],
  );
  return rows.map((r) => ({ contactId: r.id, email: r.email, mobile: r.mobile, locale: r.locale, role: 'main' }));
}
