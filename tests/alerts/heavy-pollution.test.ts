/**
 * A heavy-pollution warning recorded by ingestion notifies the members of the heavy-pollution command and
 * the streets/towns, reminding them of the fireworks ban (001:534) — at night too: warnings do not wait
 * for the morning. A change of level notifies again; lifting it notifies once more and resolves the alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { count, local, PHONE, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  h = await startHarness(db, { now: shanghaiInstant('2024-12-20', 23, 10) });
});

afterAll(async () => {
  await h?.close();
});

async function issue(externalId: string, level: string, areaIds: string[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO heavy_pollution_warning (external_id, level, starts_at, district_id, area_ids, issuer, measures)
     VALUES ($1, $2, $3, 'tongzhou', $4, '区空气重污染应急指挥部办公室', '工地停止土石方作业') RETURNING id`,
    [externalId, level, shanghaiInstant('2024-12-21', 0, 0), areaIds],
  );
  return rows[0]!.id;
}

const commandAndStreets = [PHONE.eeb, PHONE.waterEngineer, PHONE.beiyuan, PHONE.luyi, PHONE.yongshun]
  .map(local)
  .sort();

describe('a heavy-pollution warning', () => {
  it('reaches the command members and every street/town at night, with the fireworks ban', async () => {
    const id = await issue('BJ-2024-1220-01', 'orange');
    await h.sweep();
    await h.gateway.waitFor(5);
    await h.smtp.waitFor(7);
    await h.settle();
    expect(h.gateway.messages.map((m) => m.phone).sort()).toEqual(commandAndStreets);
    for (const m of h.gateway.messages) {
      expect(m.text).toContain('橙色预警');
      expect(m.text).toContain('烟花爆竹');
      expect([...m.text].length).toBeLessThanOrEqual(70);
    }
    const mail = h.smtp.messages.find((m) => m.to[0] === 'beiyuan@example.gov.cn')!;
    expect(mail.parsed.subject).toBe('【重污染天气橙色预警】通州区12月21日0时起启动二级（橙色）预警');
    expect(mail.parsed.text).toContain('禁止销售、燃放烟花爆竹');
    expect(mail.parsed.text).toContain('工地停止土石方作业');
    const en = h.smtp.messages.find((m) => m.to[0] === 'eeb.liaison@example.gov.cn')!;
    expect(en.parsed.subject).toMatch(/^\[orange heavy-pollution warning\]/);
    expect(
      await count(
        db.pool,
        `SELECT count(*)::int AS n FROM alert WHERE warning_id = $1 AND state = 'firing'`,
        [id],
      ),
    ).toBe(1);

    await h.sweep(); // nothing changed: nothing more
    await h.settle();
    expect(h.gateway.messages).toHaveLength(5);
  });

  it('notifies again when the level changes', async () => {
    await db.pool.query(
      `UPDATE heavy_pollution_warning SET level = 'red' WHERE external_id = 'BJ-2024-1220-01'`,
    );
    h.clock.advance(5 * MINUTE);
    await h.sweep();
    await h.gateway.waitFor(10);
    await h.settle();
    expect(h.gateway.messages.slice(5).every((m) => m.text.includes('红色预警'))).toBe(true);
    expect(
      await count(db.pool, `SELECT count(*)::int AS n FROM alert WHERE kind = 'heavy_pollution_warning'`),
    ).toBe(1);
  });

  it('notifies once more when it is lifted, and resolves the alert', async () => {
    await db.pool.query(
      `UPDATE heavy_pollution_warning SET lifted_at = $1 WHERE external_id = 'BJ-2024-1220-01'`,
      [shanghaiInstant('2024-12-23', 12, 0)],
    );
    h.clock.set(shanghaiInstant('2024-12-23', 12, 1));
    await h.sweep();
    await h.gateway.waitFor(15);
    await h.settle();
    const lifted = h.gateway.messages.slice(10);
    expect(lifted.map((m) => m.phone).sort()).toEqual(commandAndStreets);
    expect(lifted[0]!.text).toContain('红色预警已于12月23日12时解除');
    const { rows } = await db.pool.query(
      `SELECT state, condition FROM alert WHERE kind = 'heavy_pollution_warning'`,
    );
    expect(rows).toEqual([{ state: 'resolved', condition: 'lifted' }]);
    await h.sweep();
    await h.settle();
    expect(h.gateway.messages).toHaveLength(15);
  });

  it('names only the streets/towns of a local warning', async () => {
    await issue('BJ-2024-1223-02', 'yellow', ['beiyuan']);
    await h.sweep();
    await h.settle();
    const phones = h.gateway.messages
      .slice(15)
      .map((m) => m.phone)
      .sort();
    expect(phones).toEqual([PHONE.eeb, PHONE.waterEngineer, PHONE.beiyuan].map(local).sort());
    expect(h.gateway.messages[15]!.text).toContain('北苑街道');
  });
});
