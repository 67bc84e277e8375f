/** One alert as its page shows it: the alert, its events, every delivery and the evaluations behind it. */
import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import type { Principal } from '../../auth/principal.js';
import { listEvaluationHistory, type HistoryRow } from '../../targets/targets-status-queries.js';
import { assertAlertVisible } from '../alert-actions.js';
import {
  findAlert,
  listAlertEvents,
  listDeliveries,
  type AlertEventRow,
  type AlertRow,
  type DeliveryRow,
} from '../queries/alert-read.js';

export interface AlertDetail {
  alert: AlertRow;
  events: AlertEventRow[];
  deliveries: DeliveryRow[];
  evaluations: HistoryRow[];
}

export async function buildAlertDetail(db: Queryable, p: Principal, id: number): Promise<AlertDetail> {
  const alert = await findAlert(db, id);
  if (!alert) throw new NotFoundError(`no alert ${id}`);
  assertAlertVisible(p, alert);
  const [events, deliveries, evaluations] = await Promise.all([
    listAlertEvents(db, id),
    listDeliveries(db, {
      alertId: id,
      areaId: null,
      status: null,
      channel: null,
      beforeId: null,
      limit: 500,
    }),
    alert.target_id && alert.scope_id && alert.period_key
      ? listEvaluationHistory(db, {
          targetId: alert.target_id,
          scopeId: alert.scope_id,
          periodKey: alert.period_key,
        })
      : Promise.resolve([]),
  ]);
  return { alert, events, deliveries, evaluations };
}
