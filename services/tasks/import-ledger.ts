/**
 * Imports a filled-in 台账: each row becomes a progress report through the same verb as the API (same access
 * rules, same audit), row by row, so one bad row never loses the others. A row without a status is "not
 * reported" (skipped); a row whose status and note equal the stored report of its month is unchanged; every
 * refused row is kept in task_import_refused with its reason.
 */
import ExcelJS from 'exceljs';
import type pg from 'pg';
import type { Actor } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { EnvwatchError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { monthStartDay } from '../time/shanghai.js';
import {
  finishTaskImport,
  insertImportRefusals,
  insertTaskImport,
  type ImportCounts,
  type Refusal,
} from './ledger-queries.js';
import { importIndicatorSheet } from './indicators/indicator-sheet.js';
import { readLedger, type LedgerInputRow } from './ledger-xlsx.js';
import { importRow } from './import-row.js';
import { findProgress } from './progress-queries.js';
import { monthSchema, progressStatusSchema, reportProgress } from './report-progress.js';

export interface ImportResult extends ImportCounts {
  importId: number;
  refusals: { row: number; reason_code: string; reason_detail: string }[];
}

function reasonOf(err: EnvwatchError): { code: string; detail: string } {
  if (/does not answer for/.test(err.message)) return { code: 'NOT_RESPONSIBLE', detail: err.message };
  if (err instanceof NotFoundError) return { code: 'UNKNOWN_TASK', detail: err.message };
  if (err instanceof ForbiddenError) return { code: 'NOT_YOUR_UNIT', detail: err.message };
  if (err instanceof ValidationError)
    return {
      code: /does not answer for/.test(err.message) ? 'NOT_RESPONSIBLE' : 'INVALID_VALUE',
      detail: err.message,
    };
  throw err;
}

async function isUnchanged(pool: pg.Pool, row: LedgerInputRow): Promise<boolean> {
  const status = progressStatusSchema.safeParse(row.values.status);
  if (!status.success || !monthSchema.safeParse(row.values.month).success) return false;
  const stored = await findProgress(pool, {
    taskId: row.values.task,
    unitId: row.values.unit,
    month: monthStartDay(row.values.month),
  });
  return stored !== null && stored.status === status.data && stored.note === row.values.note;
}

export async function importLedger(
  pool: pg.Pool,
  actor: Actor,
  p: Principal,
  file: { name: string; bytes: Buffer; today: string },
): Promise<ImportResult> {
  const rows = await readLedger(file.bytes, file.name);
  const importId = await insertTaskImport(pool, { fileName: file.name, by: actor.name, byId: actor.id });
  const counts: ImportCounts = { received: rows.length, accepted: 0, unchanged: 0, skipped: 0, refused: 0 };
  const refusals: Refusal[] = [];
  for (const row of rows) {
    const v = row.values;
    if (v.status === '') {
      counts.skipped++;
      continue;
    }
    if (await isUnchanged(pool, row)) {
      counts.unchanged++;
      continue;
    }
    const refusal = await importRow(row, reasonOf, () =>
      reportProgress(pool, actor, p, {
        taskId: v.task,
        unitId: v.unit,
        month: v.month,
        input: { status: v.status, note: v.note },
        via: 'xlsx',
        today: file.today,
      }),
    );
    if (refusal === null) counts.accepted++;
    else refusals.push(refusal);
  }
  // The 指标 sheet, when the workbook has one: the manual indicators, through their own verb.
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file.bytes as unknown as ArrayBuffer);
  const ind = await importIndicatorSheet(pool, actor, p, wb, file.today);
  counts.received += ind.received;
  counts.accepted += ind.accepted;
  counts.skipped += ind.skipped;
  refusals.push(...ind.refusals);
  counts.refused = refusals.length;
  await insertImportRefusals(pool, importId, refusals);
  await finishTaskImport(pool, importId, counts);
  return {
    importId,
    ...counts,
    refusals: refusals.map((r) => ({
      row: r.rowNumber,
      reason_code: r.reasonCode,
      reason_detail: r.reasonDetail,
    })),
  };
}
