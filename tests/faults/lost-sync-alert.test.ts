/**
 * Issue #20 (medium): a verdict's `sync-alert` job lost with Redis (restarted without persistence after the
 * outbox had relayed it) was never re-created: the breach stayed without an alert until the verdict changed
 * again. The minute sweep now finds problem verdicts their alert does not reflect, five minutes on, and syncs
 * them; a verdict whose alert is in step is left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { count, insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  for (const id of ['T-LOST-01'])
    await insertTarget(db.pool, { id, assist_units: [], lead_officials: ['yao_weilong'] });
  h = await startHarness(db, { now: shanghaiInstant('2024-03-11', 9, 0), workers: false });
});

afterAll(async () => {
  await h?.close();
});

/** A stored transition whose relayed job Redis then lost: the outbox row is gone, no job ran. */
async function breachWithLostJob(targetId: string, minutesAgo: number): Promise<void> {
  const r = await recordTestEvaluation(db.pool, {
    targetId,
    scopeId: 'beiyuan',
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-03-10',
  });
  expect(r.transition).toBe(true);
  await db.pool.query(`DELETE FROM outbox`);
  await db.pool.query(`UPDATE evaluation_current SET status_since = $2 WHERE target_id = $1`, [
    targetId,
    new Date(h.clock.now().getTime() - minutesAgo * MINUTE),
  ]);
}

const alertsOf = (targetId: string) =>
  count(db.pool, `SELECT count(*)::int AS n FROM alert WHERE target_id = $1 AND state = 'firing'`, [
    targetId,
  ]);

describe('a sync-alert job lost with Redis', () => {
  it('is made good by the sweep five minutes on: the alert opens with its deliveries, once', async () => {
    await breachWithLostJob('T-LOST-01', 2);
    await h.sweep();
    expect(await alertsOf('T-LOST-01')).toBe(0); // two minutes: its job may still be on its way

    h.clock.advance(4 * MINUTE);
    const summary = await h.sweep();
    expect(summary['unsynced.synced']).toBe(1);
    expect(await alertsOf('T-LOST-01')).toBe(1);
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.target_id = 'T-LOST-01'`,
      ),
    ).toBeGreaterThan(0);

    h.clock.advance(MINUTE);
    expect((await h.sweep())['unsynced.synced']).toBe(0); // in step now: nothing more
    expect(await alertsOf('T-LOST-01')).toBe(1);
  });
});
