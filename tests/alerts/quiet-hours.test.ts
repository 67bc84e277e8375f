/**
 * Working hours and quiet hours (Asia/Shanghai): at 23:00 a hard-target at-risk warning goes by e-mail at
 * once, and its SMS waits for the morning — the later of the working-hours start (08:30) and the end of the
 * contact's quiet hours — released by the sweep; a hard-target breach does not wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, local, PHONE, recordTestEvaluation, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  await insertTarget(db.pool, { id: 'T-QUIET-01', assist_units: [], lead_officials: [] });
  await insertTarget(db.pool, { id: 'T-QUIET-02', assist_units: [], lead_officials: [] });
  // The last night of June: the morning SMS crosses midnight and the month end.
  h = await startHarness(db, { now: shanghaiInstant('2024-06-30', 23, 0) });
});

afterAll(async () => {
  await h?.close();
});

describe('at night', () => {
  it('sends the e-mail of an at-risk warning now and holds its SMS until 08:30', async () => {
    await recordTestEvaluation(db.pool, {
      targetId: 'T-QUIET-01',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-06-30',
    });
    await h.smtp.waitFor(1);
    await h.settle();
    expect(h.gateway.messages).toHaveLength(0);
    const { rows } = await db.pool.query<{ status: string; not_before: Date }>(
      `SELECT status, not_before FROM delivery WHERE channel = 'sms'`,
    );
    expect(rows).toEqual([{ status: 'deferred', not_before: shanghaiInstant('2024-07-01', 8, 30) }]);
  });

  it('sends the SMS of a hard-target breach at once', async () => {
    await recordTestEvaluation(db.pool, {
      targetId: 'T-QUIET-02',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-06-30',
    });
    await h.gateway.waitFor(1);
    await h.settle();
    expect(h.gateway.messages.map((m) => m.phone)).toEqual([local(PHONE.yongshun)]);
  });

  it('releases the held SMS when the sweep reaches the morning', async () => {
    h.clock.set(shanghaiInstant('2024-07-01', 8, 29));
    await h.sweep();
    await h.settle();
    expect(h.gateway.messages).toHaveLength(1);
    h.clock.advance(1 * MINUTE);
    expect((await h.sweep())['deferred.released']).toBe(1);
    await h.gateway.waitFor(2);
    expect(h.gateway.messages[1]!.phone).toBe(local(PHONE.beiyuan));
  });
});
