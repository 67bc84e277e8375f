/** Alerts (list, filter, one with its history, acknowledge, comment) and their deliveries. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../../runtime/app-context.js';
import { NotFoundError } from '../../errors.js';
import {
  assertAreaReadable,
  canSeeContactDetails,
  confinedArea,
  scopedDistricts,
  type Principal,
} from '../../auth/principal.js';
import {
  acknowledgeAlertAs,
  assertAlertVisible,
  closeAlertAs,
  commentOnAlertAs,
  type AlertTransition,
} from '../alert-actions.js';
import { listEvaluationHistory } from '../../targets/targets-status-queries.js';
import { principalOf } from '../auth-hooks.js';
import { apiErrorSchema } from '../errors.js';
import {
  findAlert,
  listAlertEvents,
  listAlerts,
  listDeliveries,
  type DeliveryRow,
} from '../queries/alert-read.js';
import { actor, authedRoute, idParams, pageFields, pageOf, TAGS, typed } from '../route-kit.js';

const STATES = ['firing', 'acknowledged', 'resolved', 'closed'] as const;

const alert = z.object({
  id: z.number(),
  kind: z.string(),
  target_id: z.string().nullable(),
  scope_id: z.string().nullable(),
  area_id: z.string().nullable(),
  area_name_zh: z.string().nullable(),
  area_name_en: z.string().nullable(),
  district_id: z.string().nullable(),
  period_key: z.string().nullable(),
  state: z.enum(STATES),
  severity: z.enum(['critical', 'warning', 'notice']),
  condition: z.string(),
  title_zh: z.string(),
  title_en: z.string(),
  body_zh: z.string(),
  body_en: z.string(),
  opened_at: z.date(),
  updated_at: z.date(),
  acknowledged_at: z.date().nullable(),
  acknowledged_by: z.string().nullable(),
  ack_comment: z.string().nullable(),
  resolved_at: z.date().nullable(),
  escalation_step: z.number(),
});

const delivery = z.object({
  id: z.number(),
  alert_id: z.number().nullable(),
  recipient_id: z.string(),
  recipient_name: z.string().nullable(),
  recipient_email: z.string().nullable().describe('administrators only; null otherwise'),
  recipient_mobile: z.string().nullable().describe('administrators only; null otherwise'),
  address: z.string().nullable().describe('the e-mail address or mobile number used; administrators only'),
  recipient_role: z.string(),
  channel: z.string(),
  step: z.string(),
  status: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  created_at: z.date(),
  sent_at: z.date().nullable(),
  receipt_status: z
    .enum(['delivered', 'failed'])
    .nullable()
    .describe('SMS: the carrier report, null until it comes'),
  receipt_code: z.string().nullable(),
  receipt_at: z.date().nullable(),
});

/** Contact details are personal data: blanked for everyone but administrators. */
export function redactDelivery(p: Principal, d: DeliveryRow): DeliveryRow {
  return canSeeContactDetails(p) ? d : { ...d, recipient_email: null, recipient_mobile: null, address: null };
}

/** An area user's filter is its own area; asking for another one is refused, not answered with nothing. */
function areaFilter(p: Principal, requested: string | undefined): string | null {
  if (requested) assertAreaReadable(p, requested);
  return requested ?? confinedArea(p);
}

export async function registerAlertRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const r = typed(app);
  r.get(
    '/api/alerts',
    authedRoute(TAGS.alerts, {
      summary: 'Alerts, newest first; filter by state, severity, kind, street/town, target',
      querystring: z.object({
        state: z
          .string()
          .optional()
          .transform((s) => (s ? s.split(',') : undefined))
          .pipe(z.array(z.enum(STATES)).optional())
          .describe('comma-separated, e.g. firing,acknowledged'),
        severity: z.enum(['critical', 'warning', 'notice']).optional(),
        kind: z
          .enum([
            'target',
            'stale_source',
            'heavy_pollution_warning',
            'operational',
            'task_overdue',
            'task_report_missing',
            'task_due_soon',
          ])
          .optional(),
        area: z.string().optional(),
        target: z.string().optional(),
        ...pageFields,
      }),
      response: { 200: z.object({ alerts: z.array(alert) }) },
    }),
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      const alerts = await listAlerts(ctx.db, {
        states: q.state ?? null,
        severity: q.severity ?? null,
        kind: q.kind ?? null,
        areaId: areaFilter(p, q.area),
        targetId: q.target ?? null,
        // A bureau scoped to its district(s) lists their alerts only, as its pages do (issue 17 item 8).
        districtIds: scopedDistricts(p),
        ...pageOf(q),
      });
      return { alerts };
    },
  );

  r.get(
    '/api/alerts/:id',
    authedRoute(TAGS.alerts, {
      summary:
        'One alert with its events (opened, acknowledged, comments, escalations), deliveries, and the evaluations behind it',
      params: idParams,
      response: {
        200: alert.extend({
          events: z.array(
            z.object({
              id: z.number(),
              at: z.date(),
              kind: z.string(),
              actor: z.string().nullable(),
              detail: z.unknown(),
            }),
          ),
          deliveries: z.array(delivery),
          // How the verdict of the alert's (target, scope, period) moved, oldest first; empty for operational alerts.
          evaluations: z.array(
            z.object({
              evaluationId: z.number(),
              asOf: z.string(),
              status: z.string(),
              final: z.boolean(),
              value: z.number().nullable(),
              threshold: z.number().nullable(),
              explanationZh: z.string(),
              explanationEn: z.string(),
              evaluatedAt: z.date(),
            }),
          ),
        }),
      },
    }),
    async (req) => {
      const p = principalOf(req);
      const a = await findAlert(ctx.db, req.params.id);
      if (!a) throw new NotFoundError(`no alert ${req.params.id}`);
      assertAlertVisible(p, a);
      const [events, deliveries, evaluations] = await Promise.all([
        listAlertEvents(ctx.db, a.id),
        listDeliveries(ctx.db, {
          alertId: a.id,
          areaId: null,
          status: null,
          channel: null,
          beforeId: null,
          limit: 500,
        }),
        a.target_id && a.scope_id && a.period_key
          ? listEvaluationHistory(ctx.db, {
              targetId: a.target_id,
              scopeId: a.scope_id,
              periodKey: a.period_key,
            })
          : [],
      ]);
      return { ...a, events, deliveries: deliveries.map((d) => redactDelivery(p, d)), evaluations };
    },
  );

  // Acknowledging and closing take the same optional comment and answer the alert as it now is.
  const transitions: [verb: string, summary: string, AlertTransition][] = [
    ['acknowledge', 'Acknowledge a firing alert (stops its escalation); audited', acknowledgeAlertAs],
    ['close', 'Close a resolved or operational alert (cancels messages not yet sent); audited', closeAlertAs],
  ];
  for (const [verb, summary, transition] of transitions) {
    r.post(
      `/api/alerts/:id/${verb}`,
      authedRoute(TAGS.alerts, {
        summary,
        params: idParams,
        body: z.object({ comment: z.string().trim().max(2000).optional() }).default({}),
        response: { 200: alert, 409: apiErrorSchema },
      }),
      async (req) =>
        transition(ctx.db, principalOf(req), actor(req), req.params.id, req.body.comment || null, ctx.clock),
    );
  }

  r.post(
    '/api/alerts/:id/comments',
    authedRoute(TAGS.alerts, {
      summary: 'Add a comment to an alert; audited',
      params: idParams,
      body: z.object({ text: z.string().trim().min(1).max(4000) }),
      response: { 201: z.object({ eventId: z.number() }) },
    }),
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await commentOnAlertAs(
            ctx.db,
            principalOf(req),
            actor(req),
            req.params.id,
            req.body.text,
            ctx.clock,
          ),
        ),
  );

  r.get(
    '/api/deliveries',
    authedRoute(TAGS.alerts, {
      summary: 'Deliveries (e-mail, SMS) of alerts; contact details for administrators only',
      querystring: z.object({
        alert: z.coerce.number().int().positive().optional(),
        area: z.string().optional(),
        status: z
          .enum(['pending', 'deferred', 'sending', 'sent', 'failed', 'cancelled', 'digested', 'unknown'])
          .optional(),
        channel: z.enum(['email', 'sms']).optional(),
        ...pageFields,
      }),
      response: { 200: z.object({ deliveries: z.array(delivery) }) },
    }),
    async (req) => {
      const p = principalOf(req);
      const q = req.query;
      if (q.alert) {
        const a = await findAlert(ctx.db, q.alert);
        if (!a) throw new NotFoundError(`no alert ${q.alert}`);
        assertAlertVisible(p, a);
      }
      const rows = await listDeliveries(ctx.db, {
        alertId: q.alert ?? null,
        areaId: areaFilter(p, q.area),
        status: q.status ?? null,
        channel: q.channel ?? null,
        districtIds: scopedDistricts(p),
        ...pageOf(q),
      });
      return { deliveries: rows.map((d) => redactDelivery(p, d)) };
    },
  );
}
