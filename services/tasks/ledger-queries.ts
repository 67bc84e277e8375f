/** The 台账 rows (tasks × responsible units) and the import bookkeeping: one function per statement. */
import type { Queryable } from '../db/queryable.js';

export interface LedgerRow {
  task_id: string;
  plan_id: string;
  section: string;
  seq: string;
  key_task_zh: string;
  deadline_zh: string;
  unit_id: string;
  unit_name_zh: string;
  role: 'main' | 'assist';
  last_month: string | null;
  last_status: string | null;
  last_note: string | null;
}

/** Every (task, responsible unit) in scope with the latest report up to `month` (the pre-filled answer). */
export async function listLedgerRows(
  db: Queryable,
  q: { planId: string | null; unitId: string | null; month: string },
): Promise<LedgerRow[]> {
  const { rows } = await db.query<LedgerRow>(
    `SELECT t.id AS task_id, t.plan_id, t.section, t.seq, t.key_task_zh, t.deadline_zh, r.unit_id,
            u.name_zh AS unit_name_zh, r.role, to_char(p.month, 'YYYY-MM') AS last_month, p.status AS last_status,
            p.note AS last_note
       FROM task t
       JOIN task_reporting_unit r ON r.task_id = t.id
       JOIN unit u ON u.id = r.unit_id
       LEFT JOIN LATERAL (
         SELECT month, status, note FROM task_progress
          WHERE task_id = t.id AND unit_id = r.unit_id AND month <= $3 ORDER BY month DESC LIMIT 1
       ) p ON true
      WHERE t.enabled AND ($1::text IS NULL OR t.plan_id = $1) AND ($2::text IS NULL OR r.unit_id = $2)
      ORDER BY t.plan_id, t.plan_ord NULLS LAST, t.id, r.role DESC, r.unit_id`,
    [q.planId, q.unitId, q.month],
  );
  return rows;
}

export async function insertTaskImport(
  db: Queryable,
  i: { fileName: string; by: string; byId: number | null },
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO task_import (file_name, imported_by, imported_by_id) VALUES ($1, $2, $3) RETURNING id`,
    [i.fileName, i.by, i.byId],
  );
  return rows[0]!.id;
}

export interface ImportCounts {
  received: number;
  accepted: number;
  unchanged: number;
  skipped: number;
  refused: number;
}

export async function finishTaskImport(db: Queryable, id: number, c: ImportCounts): Promise<void> {
  await db.query(
    `UPDATE task_import SET received = $2, accepted = $3, unchanged = $4, skipped = $5, refused = $6 WHERE id = $1`,
    [id, c.received, c.accepted, c.unchanged, c.skipped, c.refused],
  );
}

export interface Refusal {
  rowNumber: number;
  raw: Record<string, string>;
  reasonCode: string;
  reasonDetail: string;
}

export async function insertImportRefusals(
  db: Queryable,
  importId: number,
  refusals: readonly Refusal[],
): Promise<void> {
  if (refusals.length === 0) return;
  await db.query(
    `INSERT INTO task_import_refused (import_id, row_number, raw, reason_code, reason_detail)
     SELECT $1, r.row_number, r.raw, r.reason_code, r.reason_detail
       FROM jsonb_to_recordset($2::jsonb) AS r(row_number int, raw jsonb, reason_code text, reason_detail text)`,
    [
      importId,
      JSON.stringify(
        refusals.map((r) => ({
          row_number: r.rowNumber,
          raw: r.raw,
          reason_code: r.reasonCode,
          reason_detail: r.reasonDetail,
        })),
      ),
    ],
  );
}
