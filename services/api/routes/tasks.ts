/**
 * The plans' task rows and their monthly progress (issue 16). A unit account sees only the tasks its unit
 * answers for, each with this month's report — or, until it reports, last month's as the starting point
 * (`prefilled: true`) — and reports only as its unit; another unit's task is 403. Bureaus see every unit.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../../errors.js';
import type { AppContext } from '../../runtime/app-context.js';
import { monthKey, monthStartDay } from '../../time/shanghai.js';
import {
  findEnabledTask,
  listReportingUnits,
  listTasks,
  PROGRESS_STATUSES,
  readProgressWithPrevious,
  type ProgressRow,
} from '../../tasks/progress-queries.js';
import { monthSchema, progressInputSchema, reportProgress } from '../../tasks/report-progress.js';
import { confinedUnit } from '../../tasks/task-access.js';
import { principalOf } from '../auth-hooks.js';
import { actor, TAGS, today, typed, unitRoute } from '../route-kit.js';

const progress = z.object({
  unit_id: z.string(),
  month: z.string().describe('the month of the report shown (YYYY-MM)'),
  prefilled: z.boolean().describe('true: no report for the month asked yet; this is the latest earlier one'),
  status: z.enum(PROGRESS_STATUSES),
  note: z.string(),
  attachment_name: z.string().nullable(),
  attachment_size: z.number().nullable(),
  reported_by: z.string(),
  reported_at: z.date(),
});

const taskItem = z.object({
  id: z.string(),
  plan_id: z.string(),
  section: z.string(),
  seq: z.string(),
  key_task_zh: z.string(),
  deadline_zh: z.string(),
  deadline_kind: z.string(),
  due_on: z.string().nullable(),
  source: z.string(),
  role: z.enum(['main', 'assist']).nullable(),
  progress: progress.nullable(),
});

function progressView(r: ProgressRow | undefined, month: string): z.infer<typeof progress> | null {
  if (r === undefined) return null;
  const shown = monthKey(r.month);
  return {
    unit_id: r.unit_id,
    month: shown,
    prefilled: shown !== month,
    status: r.status,
    note: r.note,
    attachment_name: r.attachment_name,
    attachment_size: r.attachment_size,
    reported_by: r.reported_by,
    reported_at: r.reported_at,
  };
}

export async function registerTaskRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/tasks',
    unitRoute(TAGS.tasks, {
      summary: 'Task rows of the plans; for a unit account its own, with the month’s progress',
      querystring: z.object({ plan: z.string().optional(), month: monthSchema.optional() }),
      response: {
        200: z.object({ month: z.string(), unit_id: z.string().nullable(), tasks: z.array(taskItem) }),
      },
    }),
    async (req) => {
      const p = principalOf(req);
      const unitId = await confinedUnit(ctx.db, p);
      const month = req.query.month ?? monthKey(today(ctx));
      const tasks = await listTasks(ctx.db, { planId: req.query.plan ?? null, unitId });
      const reports =
        unitId === null
          ? []
          : await readProgressWithPrevious(ctx.db, {
              taskIds: tasks.map((t) => t.id),
              unitIds: [unitId],
              month: monthStartDay(month),
            });
      const byTask = new Map(reports.map((x) => [x.task_id, x]));
      return {
        month,
        unit_id: unitId,
        tasks: tasks.map((t) => ({ ...t, progress: progressView(byTask.get(t.id), month) })),
      };
    },
  );

  r.get(
    '/api/tasks/:id/progress',
    unitRoute(TAGS.tasks, {
      summary:
        'One task’s responsible units and their progress for a month (pre-filled from the month before)',
      params: z.object({ id: z.string() }),
      querystring: z.object({ month: monthSchema.optional() }),
      response: {
        200: z.object({
          task: taskItem.omit({ progress: true, role: true }),
          month: z.string(),
          units: z.array(
            z.object({
              unit_id: z.string(),
              name_zh: z.string(),
              role: z.enum(['main', 'assist']),
              progress: progress.nullable(),
            }),
          ),
        }),
      },
    }),
    async (req) => {
      const p = principalOf(req);
      const task = await findEnabledTask(ctx.db, req.params.id);
      if (task === null) throw new NotFoundError(`no task ${req.params.id}`);
      const confined = await confinedUnit(ctx.db, p);
      const all = await listReportingUnits(ctx.db, task.id);
      if (confined !== null && !all.some((u) => u.unit_id === confined))
        throw new ForbiddenError(`${confined} does not answer for task ${task.id}`);
      const units = confined === null ? all : all.filter((u) => u.unit_id === confined);
      const month = req.query.month ?? monthKey(today(ctx));
      const reports = await readProgressWithPrevious(ctx.db, {
        taskIds: [task.id],
        unitIds: units.map((u) => u.unit_id),
        month: monthStartDay(month),
      });
      const byUnit = new Map(reports.map((x) => [x.unit_id, x]));
      const { role: _role, ...taskView } = task;
      return {
        task: taskView,
        month,
        units: units.map((u) => ({ ...u, progress: progressView(byUnit.get(u.unit_id), month) })),
      };
    },
  );

  r.put(
    '/api/tasks/:id/progress/:unit/:month',
    unitRoute(TAGS.tasks, {
      summary:
        'Report a unit’s progress on a task for a month (status 未启动/推进中/已完成/滞后/不适用, note, attachment)',
      params: z.object({ id: z.string(), unit: z.string(), month: monthSchema }),
      body: progressInputSchema,
      response: { 200: progress },
    }),
    async (req) => {
      const p = principalOf(req);
      const row = await reportProgress(ctx.db, actor(req), p, {
        taskId: req.params.id,
        unitId: req.params.unit,
        month: req.params.month,
        input: req.body,
        via: 'api',
        today: today(ctx),
      });
      return progressView(row, req.params.month)!;
    },
  );
}
