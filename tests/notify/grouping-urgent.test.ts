/**
 * Grouping per recipient, the two promises about time (issue #14, item 4):
 *  - urgent items — a heavy-pollution warning issued or lifted, a hard breach while one is in force — go out
 *    within ALERT_GROUP_URGENT_WAIT_SECONDS, even inside group_interval, while ordinary items wait group_wait;
 *  - group_wait counts from when the item became due (the evaluation was stored), not from when a busy
 *    planner reached it (the grouping bench's p99 was a second over group_wait + 1 s because of that).
 * Real SMTP and SMS fakes, real PostgreSQL and Redis, the production workers, a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncTargetAlert } from '../../services/alerts/sync-target-alert.js';
import { withTransaction } from '../../services/db/queryable.js';
import { itemDue } from '../../services/notify/group-deliveries.js';
import { SEND_MS_PER_MESSAGE } from '../../services/notify/group-send-lead.js';
import { storeEvaluations } from '../../services/targets/evaluation-queries.js';
import { MINUTE, SECOND, shanghaiInstant } from '../../services/time/shanghai.js';
import { insertTarget, recordTestEvaluation, seedDirectory } from '../alerts/fixtures.js';
import { startHarness, type Harness } from '../alerts/harness.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();
let h: Harness;
const t0 = shanghaiInstant('2024-07-01', 10, 0); // a Monday, a working day

const breach = (targetId: string, scopeId: string) =>
  recordTestEvaluation(db.pool, {
    targetId,
    scopeId,
    periodKey: '2024',
    status: 'breached',
    asOf: '2024-06-30',
  });

/** Who has received an e-mail so far (sorted addresses). */
const mailed = () => [...new Set(h.smtp.messages.map((m) => m.to[0]!))].sort();

/** Advances the clock, runs the minute sweep (it releases heads that came due) and lets everything send. */
async function at(ms: number) {
  h.clock.set(new Date(t0.getTime() + ms));
  await h.sweep();
  await h.settle();
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  // The command is the EEB alone here, so the Water Bureau is an ordinary recipient throughout.
  await db.pool.query(`UPDATE unit SET members = '{eeb}' WHERE id = 'hp_command'`);
  const town = { main_units: ['streets_towns'], assist_units: [], lead_officials: [] };
  await insertTarget(db.pool, { id: 'T-URG-WATER', ...town, main_units: ['water_bureau'] });
  await insertTarget(db.pool, { id: 'T-URG-TOWN', ...town });
  await insertTarget(db.pool, { id: 'T-URG-LATE', ...town, main_units: ['water_bureau'] });
  await insertTarget(db.pool, { id: 'T-URG-TWICE', ...town });
  h = await startHarness(db, {
    now: t0,
    env: {
      ALERT_GROUP_WAIT_SECONDS: '120',
      ALERT_GROUP_INTERVAL_SECONDS: '1800',
      ALERT_GROUP_URGENT_WAIT_SECONDS: '10',
    },
  });
});

afterAll(async () => {
  await h?.close();
});

describe('urgent items skip the group wait', () => {
  it('sends a warning within the urgent wait while an ordinary breach waits group_wait', async () => {
    await breach('T-URG-WATER', 'tongzhou');
    await h.settle(); // planned at t0: due at t0 + 120 s
    await at(20 * SECOND);
    expect(h.smtp.messages).toHaveLength(0);
    await db.pool.query(
      `INSERT INTO heavy_pollution_warning (external_id, level, starts_at, district_id, area_ids, issuer, measures)
       VALUES ('BJ-2024-0701-01', 'orange', $1, 'tongzhou', '{}', '区空气重污染应急指挥部办公室', '工地停止土石方作业')`,
      [new Date(t0.getTime() + 20 * SECOND)],
    );
    await h.sweep(); // the warning is planned at t0 + 20 s: urgent, due 10 s later
    await h.settle();
    await at(29 * SECOND);
    expect(h.smtp.messages).toHaveLength(0);
    await at(30 * SECOND);
    // The command (EEB) and every street/town, each in one message; the Water Bureau's breach still waits.
    expect(mailed()).toEqual([
      'beiyuan@example.gov.cn',
      'eeb.duty@example.gov.cn',
      'eeb.liaison@example.gov.cn',
      'luyi@example.gov.cn',
      'yongshun@example.gov.cn',
    ]);
    expect(h.smtp.messages[0]!.parsed.subject).toContain('橙色预警');
    expect(h.gateway.messages.length).toBeGreaterThan(0);
    await at(2 * MINUTE - SECOND);
    expect(mailed()).not.toContain('water.duty@example.gov.cn');
    await at(2 * MINUTE);
    expect(mailed()).toContain('water.duty@example.gov.cn');
    expect(mailed()).toContain('water.engineer@example.gov.cn');
  });

  it('sends a hard breach during the warning within the urgent wait, inside group_interval', async () => {
    const before = h.smtp.messages.length;
    h.clock.set(new Date(t0.getTime() + 3 * MINUTE));
    await breach('T-URG-TOWN', 'beiyuan'); // 北苑 heard of the warning 150 s ago: group_interval runs
    await h.settle();
    await at(3 * MINUTE + 9 * SECOND);
    expect(h.smtp.messages).toHaveLength(before);
    await at(3 * MINUTE + 10 * SECOND);
    const sent = h.smtp.messages.slice(before);
    expect(sent.map((m) => m.to[0])).toEqual(['beiyuan@example.gov.cn']);
    expect(sent[0]!.parsed.subject).toContain('未达标');
  });

  it('sends the lifting within the urgent wait to everyone told of the warning', async () => {
    const before = h.smtp.messages.length;
    h.clock.set(new Date(t0.getTime() + 5 * MINUTE));
    await db.pool.query(
      `UPDATE heavy_pollution_warning SET lifted_at = $1 WHERE external_id = 'BJ-2024-0701-01'`,
      [h.clock.now()],
    );
    await h.sweep();
    await h.settle();
    await at(5 * MINUTE + 10 * SECOND);
    const sent = h.smtp.messages.slice(before);
    expect([...new Set(sent.map((m) => m.to[0]))].sort()).toEqual([
      'beiyuan@example.gov.cn',
      'eeb.duty@example.gov.cn',
      'eeb.liaison@example.gov.cn',
      'luyi@example.gov.cn',
      'yongshun@example.gov.cn',
    ]);
  });
});

describe('group_wait counts from the evaluation', () => {
  it('opens the window when the verdict was stored, not when the planner reached it', async () => {
    const g = { waitMs: 120 * SECOND, intervalMs: 30 * MINUTE, urgentWaitMs: 10 * SECOND };
    const now = new Date(t0.getTime() + 40 * SECOND);
    expect(itemDue(now, false, now, g, t0)).toEqual(new Date(t0.getTime() + 2 * MINUTE));
    expect(itemDue(now, true, now, g, t0)).toEqual(now); // the urgent wait is already over
    // A planner two minutes late still leaves a tenth of group_wait for what it plans next to join.
    const late = new Date(t0.getTime() + 5 * MINUTE);
    expect(itemDue(late, false, late, g, t0)).toEqual(new Date(late.getTime() + 12 * SECOND));
  });

  it('plans a breach stored 40 s before the planner ran to go 120 s after it was stored', async () => {
    const stored = new Date(t0.getTime() + 40 * MINUTE); // group_interval since the Water Bureau's mail is over
    h.clock.set(new Date(stored.getTime() + 40 * SECOND));
    // Stored at `stored` without its outbox message: the planner below is the only one to see it.
    const [ev] = await withTransaction(db.pool, async (tx) => {
      const out = await storeEvaluations(tx, [
        {
          targetId: 'T-URG-LATE',
          scopeId: 'tongzhou',
          periodKey: '2024',
          result: {
            asOf: '2024-06-30',
            status: 'breached',
            final: false,
            value: 48,
            threshold: 35,
            coverage: 1,
            dataVersion: 'provisional',
            explanationZh: '累计均值 48.0 微克/立方米，限值 35。',
            explanationEn: 'Cumulative mean 48.0 µg/m³, limit 35.',
            details: {},
          },
        },
      ]);
      await tx.query(`UPDATE evaluation SET evaluated_at = $2 WHERE id = $1`, [out[0]!.evaluationId, stored]);
      return out;
    });
    // The planner (the same sync-alert step the worker runs) reaches it 40 s later.
    await syncTargetAlert(db.pool, ev!.evaluationId, {
      now: new Date(stored.getTime() + 40 * SECOND),
      settings: h.deps.settings,
      smsEnabled: true,
    });
    const { rows } = await db.pool.query<{ not_before: Date }>(
      `SELECT DISTINCT h.not_before FROM delivery h
        WHERE h.step LIKE 'group:%' AND h.status IN ('pending', 'deferred') AND h.recipient_id LIKE 'water.%'`,
    );
    expect(rows).toEqual([{ not_before: new Date(stored.getTime() + 2 * MINUTE) }]);
    // Its job starts its send lead before that instant, so the message is with the provider by then, not
    // after: a second, and the sending time of the two heads planned before it for that second.
    const job = await db.pool.query<{ run_at: Date }>(
      `SELECT run_at FROM outbox WHERE run_at IS NOT NULL ORDER BY id DESC LIMIT 1`,
    );
    expect(job.rows[0]!.run_at).toEqual(
      new Date(stored.getTime() + 2 * MINUTE - SECOND - 2 * SEND_MS_PER_MESSAGE),
    );
  });
});

describe('one alert due twice for one person', () => {
  it('is listed once, in its state now, when it became at risk and then breached within the window', async () => {
    const before = h.smtp.messages.length;
    h.clock.set(new Date(t0.getTime() + 50 * MINUTE)); // 潞邑's group_interval since the lifting is over
    const status = (s: 'at_risk' | 'breached') =>
      recordTestEvaluation(db.pool, {
        targetId: 'T-URG-TWICE',
        scopeId: 'luyi',
        periodKey: '2024',
        status: s,
        asOf: '2024-08-01',
      });
    await status('at_risk');
    await h.settle();
    h.clock.set(new Date(t0.getTime() + 50 * MINUTE + 30 * SECOND));
    await status('breached');
    await h.settle();
    await at(53 * MINUTE);
    const sent = h.smtp.messages.slice(before).filter((m) => m.to[0] === 'luyi@example.gov.cn');
    expect(sent).toHaveLength(1);
    const text = sent[0]!.parsed.text ?? '';
    expect(text.match(/确认收到: /g)).toHaveLength(1);
    expect(sent[0]!.parsed.subject).toMatch(/^【未达标】/);
  });
});
