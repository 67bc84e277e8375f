/**
 * The verb behind every way a unit reports its monthly progress (API, dashboard, XLSX import): checks who may
 * report for which unit, that the unit answers for the task, that the month is not in the future, then writes
 * the report and its audit row in one transaction. Statuses are accepted as codes or as the Chinese words
 * the 台账 uses (未启动/推进中/已完成/滞后/不适用).
 */
import type pg from 'pg';
import { z } from 'zod';
import { writeAudit, type Actor } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { withTransaction } from '../db/queryable.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { TASK_PROGRESS_LABELS } from '../labels/catalogue.js';
import { monthKey, monthStartDay } from '../time/shanghai.js';
import {
  findEnabledTask,
  findProgress,
  listReportingUnits,
  PROGRESS_STATUSES,
  upsertProgress,
  type ProgressRow,
  type ProgressStatus,
} from './progress-queries.js';
import { reporterOf, type ReportVia } from './reporter.js';
import { attachmentTypeOf } from './attachment-type.js';
import { assertMayReport, confinedUnit } from './task-access.js';

const BY_WORD = new Map<string, ProgressStatus>(
  PROGRESS_STATUSES.flatMap((s) => [
    [s, s],
    [TASK_PROGRESS_LABELS[s].zh, s],
  ]),
);

export const progressStatusSchema = z.string().transform((v, ctx) => {
  const status = BY_WORD.get(v.trim());
  if (status === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `status "${v}" is none of ${PROGRESS_STATUSES.map((s) => `${TASK_PROGRESS_LABELS[s].zh} (${s})`).join(', ')}`,
    });
    return z.NEVER;
  }
  return status;
});

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;

export const progressInputSchema = z.object({
  status: progressStatusSchema,
  note: z.string().trim().max(2000, 'the note is at most 2000 characters').default(''),
  attachment: z
    .object({
      name: z.string().trim().min(1).max(200),
      contentType: z.string().min(1).max(100),
      base64: z.base64(),
    })
    .optional(),
});
export type ProgressInput = z.input<typeof progressInputSchema>;

export const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');

export interface ReportRequest {
  taskId: string;
  unitId: string;
  /** YYYY-MM */
  month: string;
  input: ProgressInput;
  via: ReportVia;
  /** Today in Shanghai ('YYYY-MM-DD'), from the application clock. */
  today: string;
}

function attachmentOf(a: { name: string; contentType: string; base64: string } | undefined) {
  if (a === undefined) return null;
  const bytes = Buffer.from(a.base64, 'base64');
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    throw new ValidationError(
      `the attachment is ${bytes.length} bytes; at most ${MAX_ATTACHMENT_BYTES} are kept`,
    );
  // The stored type is the one the bytes prove, never the sender's claim (a download is served with it).
  return { name: a.name, type: attachmentTypeOf(a.name, bytes), bytes };
}

/** What the audit log keeps of a report (the file's name and size, not its bytes). */
function auditView(r: ProgressRow | null) {
  if (r === null) return null;
  const { reported_at: _at, ...rest } = r;
  return rest;
}

export async function reportProgress(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  p: Principal,
  req: ReportRequest,
): Promise<ProgressRow> {
  const month = monthSchema.safeParse(req.month);
  if (!month.success) throw new ValidationError(`month "${req.month}": expected YYYY-MM`);
  if (req.month > monthKey(req.today))
    throw new ValidationError(
      `month ${req.month} has not begun (today is ${req.today}): report it from its first day`,
    );
  const parsed = progressInputSchema.safeParse(req.input);
  if (!parsed.success) throw new ValidationError(`invalid progress report: ${z.prettifyError(parsed.error)}`);
  const input = parsed.data;
  return withTransaction(pool, async (tx) => {
    const task = await findEnabledTask(tx, req.taskId);
    if (task === null) throw new NotFoundError(`no task ${req.taskId}`);
    await assertMayReport(tx, p, req.unitId);
    const units = await listReportingUnits(tx, req.taskId);
    if (!units.some((u) => u.unit_id === req.unitId)) {
      const message = `${req.unitId} does not answer for task ${req.taskId} (${units.map((u) => u.unit_id).join(', ')})`;
      throw (await confinedUnit(tx, p)) === null ? new ValidationError(message) : new ForbiddenError(message);
    }
    const key = { taskId: req.taskId, unitId: req.unitId, month: monthStartDay(req.month) };
    const before = await findProgress(tx, key);
    const after = await upsertProgress(tx, {
      ...key,
      status: input.status,
      note: input.note,
      attachment: attachmentOf(input.attachment),
      ...reporterOf(actor, req.via),
    });
    await writeAudit(tx, actor, {
      action: before === null ? 'task_progress.report' : 'task_progress.update',
      entityType: 'task_progress',
      entityId: `${req.taskId}/${req.unitId}/${req.month}`,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}
