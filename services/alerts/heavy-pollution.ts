/**
 * Heavy-pollution warnings (重污染天气预警) are recorded by ingestion in heavy_pollution_warning; the district
 * issues them "following the city's unified deployment" (002:3466-3473). The sweep compares that table with
 * the alerts: a new warning notifies the members of the heavy-pollution command and the streets/towns of
 * the area, with the fireworks ban (001:534); a change of level notifies again; lifting it (lifted_at, or
 * its end time passing) resolves the alert and notifies once more. Warning messages are urgent: SMS does
 * not wait for the morning.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { labelOf, WARNING_LEVEL_LABELS } from '../labels/catalogue.js';
import { planDeliveries } from '../notify/plan-deliveries.js';
import { toShanghaiDay } from '../time/shanghai.js';
import {
  bumpAlertRevision,
  findLiveAlert,
  insertAlert,
  insertAlertEvent,
  lockAlertKey,
  markResolved,
  updateAlertCondition,
  type AlertRow,
} from './alert-queries.js';
import { planContext, type AlertSettings } from './alert-settings.js';
import { warningAlertText } from './alert-text.js';
import { raiseNoRecipient, unreachableUnits } from './contact-coverage.js';
import { warningRecipients, type RecipientRole } from './routing.js';
import { areaUnits, commandUnits } from './routing-queries.js';

interface WarningRow {
  id: number;
  level: string;
  starts_at: Date;
  ends_at: Date | null;
  lifted_at: Date | null;
  district_id: string | null;
  area_ids: string[];
  issuer: string;
  measures: string | null;
  area_zh: string;
  area_en: string;
}

/** Warnings whose alert is missing, outdated or not yet lifted although the warning is. */
async function warningsNeedingAttention(db: Queryable, now: Date): Promise<WarningRow[]> {
  const { rows } = await db.query<WarningRow>(
    `SELECT w.id, w.level, w.starts_at, w.ends_at, w.lifted_at, w.district_id, w.area_ids, w.issuer, w.measures,
            coalesce((SELECT string_agg(ar.short_zh, '、' ORDER BY ar.sort_order) FROM area ar WHERE ar.id = ANY (w.area_ids)),
                     d.name_zh, '全区') AS area_zh,
            coalesce((SELECT string_agg(ar.name_en, ', ' ORDER BY ar.sort_order) FROM area ar WHERE ar.id = ANY (w.area_ids)),
                     d.name_en, 'the district') AS area_en
       FROM heavy_pollution_warning w
       LEFT JOIN district d ON d.id = w.district_id
       LEFT JOIN LATERAL (SELECT a.state, a.warning_level FROM alert a WHERE a.dedupe_key = 'hpw|' || w.id
                           ORDER BY a.id DESC LIMIT 1) al ON true
      WHERE (al.state IS NULL AND w.lifted_at IS NULL AND (w.ends_at IS NULL OR w.ends_at > $1))
         OR (al.state IN ('firing', 'acknowledged')
             AND (al.warning_level IS DISTINCT FROM w.level OR w.lifted_at IS NOT NULL OR w.ends_at <= $1))
      ORDER BY w.starts_at, w.id`,
    [now],
  );
  return rows;
}

const SMS_ROLES = new Set<RecipientRole>(['command', 'area']);

export async function syncHeavyPollutionWarnings(
  db: pg.Pool,
  ctx: { now: Date; settings: AlertSettings; smsEnabled: boolean },
): Promise<{ changed: number; outboxIds: number[] }> {
  let changed = 0;
  const outboxIds: number[] = [];
  for (const w of await warningsNeedingAttention(db, ctx.now)) {
    outboxIds.push(...(await withTransaction(db, (tx) => syncWarning(tx, w, ctx))));
    changed += 1;
  }
  return { changed, outboxIds };
}

async function syncWarning(
  tx: Queryable,
  w: WarningRow,
  ctx: { now: Date; settings: AlertSettings; smsEnabled: boolean },
): Promise<number[]> {
  const key = `hpw|${w.id}`;
  await lockAlertKey(tx, key);
  const live = await findLiveAlert(tx, key);
  const lifted = w.lifted_at ?? (w.ends_at && w.ends_at.getTime() <= ctx.now.getTime() ? w.ends_at : null);
  const text = warningAlertText({
    level: w.level,
    areaZh: w.area_zh,
    areaEn: w.area_en,
    startsAt: w.starts_at,
    endsAt: w.ends_at,
    liftedAt: lifted,
    issuer: w.issuer,
    measures: w.measures,
  });
  const severity = w.level === 'orange' || w.level === 'red' ? 'critical' : 'warning';
  const year = Number(toShanghaiDay(ctx.now).slice(0, 4));
  const notify = async (a: AlertRow, step: string) => {
    const recipients = await warningRecipients(tx, {
      districtId: w.district_id,
      areaIds: w.area_ids,
      year,
      day: toShanghaiDay(ctx.now),
    });
    const gaps = await warningGaps(tx, w, year, ctx);
    const planned = await planDeliveries(
      tx,
      {
        alertId: a.id,
        step,
        recipients,
        urgent: true,
        groupUrgent: true,
        digest: false,
        smsRoles: SMS_ROLES,
      },
      planContext(ctx.now, ctx.smsEnabled, ctx.settings),
    );
    return [...gaps, ...planned.outboxIds];
  };
  if (!live) {
    if (lifted) return []; // already over when first seen: nothing to announce
    const a = await insertAlert(
      tx,
      {
        kind: 'heavy_pollution_warning',
        dedupeKey: key,
        warningId: w.id,
        warningLevel: w.level,
        districtId: w.district_id,
        directoryYear: year,
        severity,
        urgent: true,
        condition: 'issued',
        text,
        at: ctx.now,
      },
      { kind: 'opened', detail: { warningId: w.id, level: w.level } },
    );
    return notify(a, `level:${w.level}:${a.revision}`);
  }
  if (lifted) {
    const updated = await updateAlertCondition(tx, live.id, {
      condition: 'lifted',
      severity: live.severity,
      urgent: true,
      text,
      at: ctx.now,
    });
    const a = (await markResolved(tx, updated.id, 'warning lifted', ctx.now)) ?? updated;
    await insertAlertEvent(tx, {
      alertId: a.id,
      kind: 'resolved',
      detail: { warningId: w.id, liftedAt: lifted.toISOString() },
      at: ctx.now,
    });
    return notify(a, 'lifted');
  }
  // A change of level (e.g. yellow → orange) is announced as a new revision of the same alert.
  const revision = await bumpAlertRevision(tx, live.id);
  const a = await updateAlertCondition(
    tx,
    live.id,
    { condition: 'issued', severity, urgent: true, text, warningLevel: w.level, at: ctx.now },
    { kind: 'updated', detail: { from: live.warning_level, to: w.level, revision } },
  );
  return notify(a, `level:${w.level}:${revision}`);
}

/** Is a heavy-pollution warning in force in the district at `at`? (Hard breaches then skip group waits.) */
export async function warningInForce(db: Queryable, districtId: string, at: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM heavy_pollution_warning
      WHERE district_id = $1 AND starts_at <= $2 AND coalesce(lifted_at, ends_at, 'infinity') > $2 LIMIT 1`,
    [districtId, at],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Command members and streets/towns of the warning area that nobody in the directory can be told for:
 * one operational alert each per year (contact-coverage.ts), instead of a silent skip.
 */
async function warningGaps(
  tx: Queryable,
  w: WarningRow,
  year: number,
  ctx: { now: Date; settings: AlertSettings; smsEnabled: boolean },
): Promise<number[]> {
  const unitIds = new Set<string>();
  for (const c of await commandUnits(tx, w.district_id)) for (const m of c.members) unitIds.add(m);
  const day = toShanghaiDay(ctx.now);
  for (const u of await areaUnits(tx, { areaId: null, districtId: w.district_id, areaIds: w.area_ids }, day))
    unitIds.add(u);
  const outboxIds: number[] = [];
  const level = labelOf(WARNING_LEVEL_LABELS, w.level);
  for (const u of await unreachableUnits(tx, [...unitIds], year)) {
    outboxIds.push(
      ...(await raiseNoRecipient(
        tx,
        {
          ...u,
          year,
          // The official reads the level, not the step id ("level:orange:1" leaked into the demo's mail).
          contextZh: `空气重污染${level.zh}预警通知`,
          contextEn: `The ${level.en} heavy-pollution warning notice`,
        },
        ctx,
      )),
    );
  }
  return outboxIds;
}
