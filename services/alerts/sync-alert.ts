/**
 * Turns a stored evaluation into alert state: at_risk / breached opens (or updates) the one open alert of
 * its (target, scope, period); met resolves it. Deliveries and their outbox messages are written in the
 * same transaction as the alert change.
 */
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { writeOutbox } from '../outbox/outbox.js';
import { mainUnitRecipients } from './recipients.js';

interface EvaluationRow {
  id: number;
  target_id: string;
  scope_id: string;
  period_key: string;
  status: string;
  explanation_zh: string;
  explanation_en: string;
  title_zh: string;
  title_en: string;
  strictness: 'hard' | 'soft';
  main_unit_ids: string[];
  year: number;
}

export async function syncAlertForEvaluation(pool: pg.Pool, evaluationId: number): Promise<{ alertId: number | null; deliveries: number }> {
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<EvaluationRow>(
      `SELECT e.id, e.target_id, e.scope_id, e.period_key, e.status, e.explanation_zh, e.explanation_en,
              t.title_zh, t.title_en, t.strictness, t.main_unit_ids, p.year
         FROM evaluation e JOIN target t ON t.id = e.target_id JOIN plan p ON p.id = t.plan_id
        WHERE e.id = $1`,
      [evaluationId],
    );
    const ev = rows[0];
    if (!ev) return { alertId: null, deliveries: 0 };
    const dedupeKey = `target|${ev.target_id}|${ev.scope_id}|${ev.period_key}`;
    if (ev.status !== 'at_risk' && ev.status !== 'breached') {
      if (ev.status === 'met') {
        await tx.query(
          `UPDATE alert SET state = 'resolved', resolved_at = now(), updated_at = now(), evaluation_id = $2
            WHERE dedupe_key = $1 AND state IN ('firing', 'acknowledged')`,
          [dedupeKey, ev.id],
        );
      }
      return { alertId: null, deliveries: 0 };
    }
    const severity = ev.strictness === 'hard' && ev.status === 'breached' ? 'critical' : 'warning';
    const statusZh = ev.status === 'breached' ? '未达标' : '有风险';
    const { rows: alertRows } = await tx.query<{ id: number; inserted: boolean }>(
      `INSERT INTO alert (kind, dedupe_key, target_id, scope_id, period_key, severity, condition,
         title_zh, title_en, body_zh, body_en, evaluation_id)
       VALUES ('target', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (dedupe_key) WHERE state IN ('firing', 'acknowledged') DO UPDATE
         SET condition = EXCLUDED.condition, severity = EXCLUDED.severity, body_zh = EXCLUDED.body_zh,
             body_en = EXCLUDED.body_en, evaluation_id = EXCLUDED.evaluation_id, updated_at = now()
       RETURNING id, (xmax = 0) AS inserted`,
      [
        dedupeKey, ev.target_id, ev.scope_id, ev.period_key, severity, ev.status,
        `【${statusZh}】${ev.title_zh}（${ev.period_key}）`, `[${ev.status}] ${ev.title_en} (${ev.period_key})`,
        ev.explanation_zh, ev.explanation_en, ev.id,
      ],
    );
    const alert = alertRows[0]!;
    if (!alert.inserted) return { alertId: alert.id, deliveries: 0 };
    await tx.query(`INSERT INTO alert_event (alert_id, kind, detail) VALUES ($1, 'opened', $2)`, [
      alert.id,
      JSON.stringify({ evaluationId: ev.id, status: ev.status }),
    ]);
    const recipients = await mainUnitRecipients(tx, ev.main_unit_ids, ev.scope_id, ev.year);
    let deliveries = 0;
    for (const r of recipients) {
      if (!r.email) continue;
      const key = `${alert.id}|${r.contactId}|email|initial`;
      const { rows: d } = await tx.query<{ id: number }>(
        `INSERT INTO delivery (alert_id, recipient_id, channel, step, idempotency_key)
         VALUES ($1, $2, 'email', 'initial', $3) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
        [alert.id, r.contactId, key],
      );
      if (!d[0]) continue;
      deliveries += 1;
      await writeOutbox(tx, [
        { queue: 'deliveries', jobName: 'send-delivery', jobId: `delivery__${d[0].id}`, payload: { deliveryId: d[0].id } },
      ]);
    }
    return { alertId: alert.id, deliveries };
  });
}
