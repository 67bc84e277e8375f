/**
 * What the dashboard's task page does (issue 16 item 2), over the same verbs as the JSON API: report a month's
 * progress (with an uploaded file), report a manual indicator and wake the evaluation, and hand the bureau a
 * stored attachment. Access is the verbs' (task-access.ts); a unit account downloads only its own files.
 */
import type pg from 'pg';
import type { Actor } from '../auth/audit-log.js';
import type { Principal } from '../auth/principal.js';
import { NotFoundError } from '../errors.js';
import { evaluateTargetsRequest } from '../outbox/messages.js';
import type { AppContext } from '../runtime/app-context.js';
import { reportIndicator } from '../tasks/indicators/report-indicator.js';
import { reportProgress } from '../tasks/report-progress.js';
import { assertUnitVisible, confinedUnit } from '../tasks/task-access.js';
import { readProgressAttachment, type StoredAttachment } from '../tasks/unit-month-queries.js';
import { monthStartDay } from '../time/shanghai.js';

export interface PageProgress {
  taskId: string;
  unitId: string;
  month: string;
  status: string;
  note: string;
  file: { name: string; bytes: Buffer } | null;
}

export async function reportProgressFromPage(
  db: pg.Pool,
  actor: Actor,
  p: Principal,
  r: PageProgress,
  today: string,
): Promise<void> {
  await reportProgress(db, actor, p, {
    taskId: r.taskId,
    unitId: r.unitId,
    month: r.month,
    input: {
      status: r.status,
      note: r.note,
      // The type is sniffed from the bytes by the verb; the browser's claim is not kept.
      attachment:
        r.file === null
          ? undefined
          : {
              name: r.file.name,
              contentType: 'application/octet-stream',
              base64: r.file.bytes.toString('base64'),
            },
    },
    via: 'web',
    today,
  });
}

export async function reportIndicatorFromPage(
  ctx: Pick<AppContext, 'db' | 'enqueue'>,
  actor: Actor,
  p: Principal,
  r: { targetId: string; unitId: string; month: string; value: string; note: string; scope: string },
  today: string,
): Promise<void> {
  await reportIndicator(ctx.db, actor, p, {
    targetId: r.targetId,
    unitId: r.unitId,
    month: r.month,
    input: { value: r.value, note: r.note, scope: r.scope },
    via: 'web',
    today,
  });
  await ctx.enqueue(...evaluateTargetsRequest('manual-indicator'));
}

export async function progressAttachment(
  db: pg.Pool,
  p: Principal,
  key: { taskId: string; unitId: string; month: string },
): Promise<StoredAttachment> {
  assertUnitVisible(await confinedUnit(db, p), key.unitId);
  const file = await readProgressAttachment(db, { ...key, month: monthStartDay(key.month) });
  if (file === null)
    throw new NotFoundError(`no attachment for ${key.taskId} / ${key.unitId} / ${key.month}`);
  return file;
}
