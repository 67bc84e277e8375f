/**
 * The unit's task page and its forms (issue 16 item 2). Progress forms are multipart (a file may come with
 * them); the generic CSRF check runs before a multipart body is read, so those routes read the parts here,
 * within a size bound, and compare the form's _csrf with the session's token themselves before acting.
 */
import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { progressAttachment, reportIndicatorFromPage, reportProgressFromPage } from '../api/task-actions.js';
import { TASK_FILTERS } from '../api/views/unit-task-sections.js';
import { buildUnitTasks } from '../api/views/unit-tasks.js';
import { actor, today, typed } from '../api/route-kit.js';
import { secretsEqual } from '../auth/secrets.js';
import { ForbiddenError, ValidationError } from '../errors.js';
import { monthKey } from '../time/shanghai.js';
import { sendPage } from './layout.js';
import type { PageRouteGroup } from './page-route-group.js';
import { taskWords } from './pages/task-words.js';
import { unitTasksPage } from './pages/unit-tasks-page.js';

/** The verb keeps at most 5 MiB (MAX_ATTACHMENT_BYTES, task_progress's CHECK); the form may add a little. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month as YYYY-MM');
/** The list's filter and search (issue #16/#17 leftover), kept through a save so the official returns to them. */
const listView = z.object({
  filter: z.enum(TASK_FILTERS).default('all'),
  q: z.string().trim().max(100).default(''),
});
type ListQuery = z.infer<typeof listView>;

interface ProgressForm {
  fields: Record<string, string>;
  file: { name: string; bytes: Buffer } | null;
}

async function readProgressForm(req: FastifyRequest): Promise<ProgressForm> {
  if (!req.isMultipart()) throw new ValidationError('expected a multipart/form-data form');
  const fields: Record<string, string> = {};
  let file: ProgressForm['file'] = null;
  for await (const part of req.parts({ limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10 } })) {
    if (part.type === 'file') {
      const bytes = await part.toBuffer();
      if (part.file.truncated)
        throw new ValidationError(`attachment "${part.filename}" is over ${MAX_FILE_BYTES} bytes`);
      // An empty file input still sends a part without a name: no file chosen.
      if (part.filename !== '' && bytes.length > 0) file = { name: part.filename, bytes };
    } else fields[part.fieldname] = String(part.value);
  }
  return { fields, file };
}

function assertCsrf(req: FastifyRequest, sent: string | undefined): void {
  const token = req.principal?.csrfToken;
  if (req.principal?.via !== 'session') return; // a bearer token is no ambient credential
  if (!sent || !token || !secretsEqual(sent, token))
    throw new ForbiddenError('missing or wrong CSRF token; reload the page and try again');
}

function backTo(
  unit: string,
  m: string,
  anchor: string,
  saved: string,
  principalIsUnit: boolean,
  list: ListQuery = { filter: 'all', q: '' },
): string {
  const q = new URLSearchParams({ month: m, saved });
  if (!principalIsUnit) q.set('unit', unit);
  if (list.filter !== 'all') q.set('filter', list.filter);
  if (list.q !== '') q.set('q', list.q);
  return `/tasks?${q.toString()}#${anchor}`;
}

export const registerWebTaskRoutes: PageRouteGroup = async (web, ctx, pc) => {
  const r = typed(web);
  const config = { unitAccess: true };

  r.get(
    '/tasks',
    {
      config,
      schema: {
        hide: true,
        querystring: listView.extend({
          month: month.optional(),
          unit: z.string().max(100).optional(),
          saved: z.string().max(200).optional(),
          lang: z.string().optional(),
        }),
      },
    },
    async (req, reply) => {
      const page = pc(req, reply);
      const m = req.query.month ?? monthKey(today(ctx));
      const view = await buildUnitTasks(ctx.db, req.principal!, { unit: req.query.unit ?? null, month: m });
      const notice = req.query.saved ? taskWords(page.locale)('saved', { what: req.query.saved }) : null;
      const list = { filter: req.query.filter, q: req.query.q };
      return sendPage(reply, unitTasksPage(page, view, notice, req.query.saved ?? null, list));
    },
  );

  r.post(
    '/tasks/indicators',
    {
      config,
      schema: {
        hide: true,
        body: z.object({
          target: z.string().max(100),
          unit: z.string().max(100),
          scope: z.string().max(100),
          month,
          value: z.string().max(50),
          note: z.string().max(2000).default(''),
        }),
      },
    },
    async (req, reply) => {
      const b = req.body;
      await reportIndicatorFromPage(
        ctx,
        actor(req),
        req.principal!,
        { ...b, targetId: b.target, unitId: b.unit },
        today(ctx),
      );
      return reply.redirect(
        backTo(b.unit, b.month, `ind-${b.target}-${b.scope}`, b.target, req.principal!.role === 'unit'),
        303,
      );
    },
  );

  await web.register(async (scope) => {
    // Only these routes take multipart bodies; the parts are read in the handler (see above).
    await scope.register(multipart);
    const m = typed(scope);
    m.post(
      '/tasks/progress',
      { config: { ...config, csrf: false }, schema: { hide: true } },
      async (req, reply) => {
        const form = await readProgressForm(req);
        assertCsrf(req, form.fields._csrf);
        const { task, unit, month: mm, status, note } = form.fields;
        if (!task || !unit || !mm || !month.safeParse(mm).success)
          throw new ValidationError('the form lacks its task, unit or month (YYYY-MM)');
        if (!status) throw new ValidationError('choose a status (未启动/推进中/已完成/滞后/不适用)');
        // The list the form was posted from; a stale or hand-made value falls back to the whole list.
        const list = listView.safeParse({ filter: form.fields.filter, q: form.fields.q });
        await reportProgressFromPage(
          ctx.db,
          actor(req),
          req.principal!,
          { taskId: task, unitId: unit, month: mm, status, note: note ?? '', file: form.file },
          today(ctx),
        );
        return reply.redirect(
          backTo(unit, mm, `task-${task}`, task, req.principal!.role === 'unit', list.data),
          303,
        );
      },
    );
  });

  r.get(
    '/tasks/attachment/:task/:unit/:month',
    {
      config,
      schema: { hide: true, params: z.object({ task: z.string(), unit: z.string(), month }) },
    },
    async (req, reply) => {
      const file = await progressAttachment(ctx.db, req.principal!, {
        taskId: req.params.task,
        unitId: req.params.unit,
        month: req.params.month,
      });
      // Always a download, never rendered in the dashboard's origin (a PDF or image could carry script).
      return reply
        .type(file.type)
        .header(
          'content-disposition',
          `attachment; filename="attachment"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .header('cache-control', 'no-store')
        .send(file.bytes);
    },
  );
};
