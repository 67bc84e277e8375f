/**
 * Stale data sources: ingestion records `source_status.stale_since` when a source stops delivering (and
 * clears it on the next successful batch). The sweep opens one operational alert per stale source and
 * resolves it when stale_since is cleared — the data says so, never a timer.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import type { AlertSettings } from './alert-settings.js';
import { staleSourceText } from './alert-text.js';
import { raiseOpsAlert, resolveOpsAlert } from './operational-alerts.js';

async function newlyStaleSources(db: Queryable): Promise<{ source_id: string; stale_since: Date }[]> {
  const { rows } = await db.query<{ source_id: string; stale_since: Date }>(
    `SELECT s.source_id, s.stale_since FROM source_status s
      WHERE s.stale_since IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.dedupe_key = 'stale|' || s.source_id
                          AND a.state IN ('firing', 'acknowledged'))
      ORDER BY s.source_id`,
  );
  return rows;
}

async function recoveredSources(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ source_id: string }>(
    `SELECT a.source_id FROM alert a LEFT JOIN source_status s ON s.source_id = a.source_id
      WHERE a.kind = 'stale_source' AND a.state IN ('firing', 'acknowledged') AND s.stale_since IS NULL`,
  );
  return rows.map((r) => r.source_id);
}

export async function syncStaleSources(
  db: pg.Pool,
  ctx: { now: Date; settings: AlertSettings; smsEnabled: boolean },
): Promise<{ opened: number; resolved: number; outboxIds: number[] }> {
  const outboxIds: number[] = [];
  let opened = 0;
  for (const s of await newlyStaleSources(db)) {
    const r = await withTransaction(db, (tx) =>
      raiseOpsAlert(
        tx,
        {
          kind: 'stale_source',
          dedupeKey: `stale|${s.source_id}`,
          condition: 'stale',
          text: staleSourceText(s.source_id, s.stale_since),
          sourceId: s.source_id,
        },
        ctx,
      ),
    );
    if (r.opened) opened += 1;
    outboxIds.push(...r.outboxIds);
  }
  let resolved = 0;
  for (const id of await recoveredSources(db)) {
    if (
      await withTransaction(db, (tx) => resolveOpsAlert(tx, `stale|${id}`, 'source delivers again', ctx.now))
    )
      resolved += 1;
  }
  return { opened, resolved, outboxIds };
}
