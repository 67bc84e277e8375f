/**
 * The alert sweep, run every minute by cron (and directly by tests with a ManualClock). Everything that
 * depends on time is here, driven by persisted timestamps and the injected clock, so a restart loses
 * nothing: deferred deliveries whose time has come, group items whose head went missing, expired claims (a dead worker), escalations, alerts
 * whose data has recovered long enough, problem verdicts whose sync-alert job was lost with Redis, heavy-pollution warnings, stale sources, the daily digest, and
 * closing settled alerts. Each part runs in its own transaction; one failing part does not stop the others,
 * and the failures are reported together at the end.
 */
import type { Queue } from 'bullmq';
import { errorMessage } from '../errors.js';
import { withTransaction } from '../db/queryable.js';
import { buildDigests } from '../notify/digest.js';
import { scheduleOrphanGroups } from '../notify/group-deliveries.js';
import { recoverExpiredLeases } from '../notify/recover-leases.js';
import { releaseDeferred } from '../notify/release-deferred.js';
import { requeueLostDeliveries } from '../notify/requeue-lost.js';
import { deleteRelayedOutbox, relayAll } from '../outbox/outbox.js';
import { toShanghaiDay } from '../time/shanghai.js';
import { closeSettledAlerts } from './alert-queries.js';
import type { AlertDeps } from './alert-deps.js';
import { escalateDue } from './escalation.js';
import { recoveringTargetKeys, unsyncedTargetKeys } from './evaluation-queries.js';
import { syncHeavyPollutionWarnings } from './heavy-pollution.js';
import { syncStaleSources } from './stale-sources.js';
import { resolveRecovered } from './sync-target-alert.js';

export type SweepSummary = Record<string, number>;

// A pending delivery's job is normally taken within seconds; one untouched this long is looked for in the queue.
const LOST_JOB_AFTER_MS = 2 * 60_000;
// A verdict's sync-alert runs within seconds of the outbox relay (every minute at the latest); a problem verdict
// its alert does not show after this long lost its job with Redis.
const LOST_SYNC_AFTER_MS = 5 * 60_000;

export class SweepError extends AggregateError {}

export async function runAlertSweep(
  deps: AlertDeps,
  queues: Readonly<Record<string, Queue>> | null,
): Promise<SweepSummary> {
  const now = deps.clock.now();
  const ctx = { now, settings: deps.settings, smsEnabled: deps.channels.sms.enabled };
  const summary: SweepSummary = {};
  const outboxIds: number[] = [];
  const failures: Error[] = [];
  const part = async (name: string, fn: () => Promise<{ outboxIds?: number[]; [k: string]: unknown }>) => {
    try {
      const r = await fn();
      for (const [k, v] of Object.entries(r)) if (typeof v === 'number') summary[`${name}.${k}`] = v;
      outboxIds.push(...(r.outboxIds ?? []));
    } catch (err) {
      deps.logger.error({ part: name, err: errorMessage(err) }, 'alert sweep part failed');
      failures.push(new Error(`${name}: ${errorMessage(err)}`, { cause: err }));
    }
  };

  await part('deferred', () => releaseDeferred(deps.db, now));
  await part('groups', () =>
    withTransaction(deps.db, (tx) => scheduleOrphanGroups(tx, { now, grouping: deps.settings.grouping })),
  );
  await part('leases', () =>
    recoverExpiredLeases(deps.db, { now, settings: deps.settings, outcomes: deps.outcomes }),
  );
  if (queues?.deliveries) {
    const deliveries = queues.deliveries;
    await part('lost', () =>
      requeueLostDeliveries(
        deps.db,
        now,
        async (jobId) => (await deliveries.getJobState(jobId)) !== 'unknown',
        { minAgeMs: LOST_JOB_AFTER_MS },
      ),
    );
  }
  await part('escalation', () => escalateDue(deps.db, ctx));
  await part('recovered', async () => {
    const results = await resolveRecovered(deps.db, ctx, await recoveringTargetKeys(deps.db, 500));
    return {
      resolved: results.filter((r) => r.action === 'resolve').length,
      outboxIds: results.flatMap((r) => r.outboxIds),
    };
  });
  await part('unsynced', async () => {
    const keys = await unsyncedTargetKeys(deps.db, new Date(now.getTime() - LOST_SYNC_AFTER_MS), 500);
    const results = await resolveRecovered(deps.db, ctx, keys);
    return {
      synced: results.filter((r) => r.action !== 'none').length,
      outboxIds: results.flatMap((r) => r.outboxIds),
    };
  });
  await part('warnings', () => syncHeavyPollutionWarnings(deps.db, ctx));
  await part('stale', () => syncStaleSources(deps.db, ctx));
  await part('digest', () =>
    buildDigests(deps.db, {
      now,
      digestAtMinute: deps.settings.digestAtMinute,
      calendar: deps.settings.calendar,
    }),
  );
  await part('close', async () => ({
    closed: (await closeSettledAlerts(deps.db, now, toShanghaiDay(now), deps.settings.closeAfterMs)).length,
  }));
  await part('outbox', async () => ({ deleted: await deleteRelayedOutbox(deps.db) }));
  if (queues)
    await part('relay', async () => ({ relayed: await relayAll(deps.db, queues, { ids: outboxIds }) }));
  await deps.db.query(
    `INSERT INTO alert_sweep_run (id, last_run_at, last_summary) VALUES (1, $1, $2)
     ON CONFLICT (id) DO UPDATE SET last_run_at = $1, last_summary = $2`,
    [now, JSON.stringify({ ...summary, failures: failures.length })],
  );
  if (failures.length > 0) throw new SweepError(failures, `alert sweep: ${failures.length} part(s) failed`);
  return summary;
}
