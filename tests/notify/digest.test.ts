/**
 * Soft-target notices are not sent one by one: at ALERT_DIGEST_TIME (08:30 Shanghai) each person gets one
 * e-mail gathering the notices created before it. A hard-target breach is never held back. Building the
 * digest twice (two sweeps, a late sweep) sends it once; a notice after the cut-off waits for the next day.
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
  const soft = { strictness: 'soft' as const, assist_units: [], lead_officials: [] };
  await insertTarget(db.pool, {
    id: 'T-DIG-01',
    ...soft,
    title_zh: '降尘量控制在5吨/平方公里·月左右',
    title_en: 'Dust fall about 5 t/km²·month',
  });
  await insertTarget(db.pool, {
    id: 'T-DIG-02',
    ...soft,
    title_zh: '力争不进入全市PM2.5后10名',
    title_en: 'Strive to stay out of the city bottom 10',
  });
  await insertTarget(db.pool, {
    id: 'T-DIG-03',
    ...soft,
    title_zh: '力争不进入全市TSP后10名',
    title_en: 'Strive to stay out of the TSP bottom 10',
  });
  await insertTarget(db.pool, { id: 'T-DIG-04', assist_units: [], lead_officials: [] });
  h = await startHarness(db, { now: shanghaiInstant('2024-07-01', 10, 0) });
});

afterAll(async () => {
  await h?.close();
});

describe('the daily digest', () => {
  it('holds soft-target notices back, while a hard-target breach goes at once', async () => {
    await recordTestEvaluation(db.pool, {
      targetId: 'T-DIG-01',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-06-30',
    });
    await recordTestEvaluation(db.pool, {
      targetId: 'T-DIG-02',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-06-30',
    });
    await recordTestEvaluation(db.pool, {
      targetId: 'T-DIG-02',
      scopeId: 'luyi',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-06-30',
    });
    await recordTestEvaluation(db.pool, {
      targetId: 'T-DIG-04',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'breached',
      asOf: '2024-06-30',
    });
    await h.smtp.waitFor(1);
    await h.settle();
    expect(h.smtp.messages.map((m) => m.to[0])).toEqual(['yongshun@example.gov.cn']);
    expect(h.gateway.messages.map((m) => m.phone)).toEqual(['13800000104']);
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery WHERE mode = 'digest' AND status = 'pending'`,
      ),
    ).toBe(3);
  });

  it('sends one e-mail per person at the digest time, listing every notice', async () => {
    h.clock.set(shanghaiInstant('2024-07-02', 8, 29));
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(1);

    h.clock.advance(1 * MINUTE);
    const summary = await h.sweep();
    expect(summary['digest.digests']).toBe(2);
    expect(summary['digest.items']).toBe(3);
    await h.smtp.waitFor(3);
    await h.settle();
    const beiyuan = h.smtp.messages.filter((m) => m.to[0] === 'beiyuan@example.gov.cn');
    expect(beiyuan).toHaveLength(1);
    expect(beiyuan[0]!.parsed.subject).toBe('【每日汇总】2024-07-02 环境目标提示 2 条');
    expect(beiyuan[0]!.parsed.text).toContain('降尘量控制在5吨/平方公里·月左右');
    expect(beiyuan[0]!.parsed.text).toContain('力争不进入全市PM2.5后10名');
    expect(beiyuan[0]!.parsed.text).toMatch(/确认: https:\/\/envwatch\.example\.gov\.cn\/ack\//);
    expect(h.smtp.messages.filter((m) => m.to[0] === 'luyi@example.gov.cn')).toHaveLength(1);
    expect(h.gateway.messages).toHaveLength(1); // no SMS for notices
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM delivery WHERE mode = 'digest' AND status = 'digested' AND digest_id IS NOT NULL`,
      ),
    ).toBe(3);
  });

  it('is built once however often the sweep runs, and a later notice waits for the next day', async () => {
    await h.sweep();
    h.clock.advance(10 * MINUTE);
    await recordTestEvaluation(db.pool, {
      targetId: 'T-DIG-03',
      scopeId: 'beiyuan',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-07-01',
    });
    await h.settle();
    await h.sweep();
    await h.settle();
    expect(h.smtp.messages).toHaveLength(3);

    h.clock.set(shanghaiInstant('2024-07-03', 8, 30));
    await h.sweep();
    await h.smtp.waitFor(4);
    await h.settle();
    const next = h.smtp.messages[3]!;
    expect(next.to).toEqual(['beiyuan@example.gov.cn']);
    expect(next.parsed.subject).toBe('【每日汇总】2024-07-03 环境目标提示 1 条');
    expect(next.parsed.text).toContain('力争不进入全市TSP后10名');
  });
});
