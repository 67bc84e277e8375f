/**
 * No silent drops (issue #14, item 6): the units, officials and collective bodies without a reachable
 * contact for the year are listed, and a warning that finds nobody for a command member raises ONE
 * operational alert per unit and year — not one per message, and not a silent skip.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coverageGaps } from '../../services/alerts/contact-coverage.js';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertTarget, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  // The command gains a member with nobody in the directory (the demo's 6 of 8 silent units).
  await db.pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ('traffic', '区交通局', 'Transport Bureau', 'department', 'tongzhou')`,
  );
  await db.pool.query(`UPDATE unit SET members = '{eeb,water_bureau,traffic}' WHERE id = 'hp_command'`);
  // A target led by an official whose contact ended in 2021.
  await insertTarget(db.pool, { id: 'T-COV-01', lead_officials: ['ni_decai'], main_units: ['eeb'] });
  h = await startHarness(db, { now: shanghaiInstant('2024-12-21', 0, 5), workers: false });
});

afterAll(async () => {
  await h?.close();
});

describe('contact coverage', () => {
  it('lists the command member and the lead official nobody can reach in 2024', async () => {
    const gaps = await coverageGaps(db.pool, 2024);
    expect(gaps.map((g) => `${g.kind}:${g.id}`)).toEqual(['command_member:traffic', 'official:ni_decai']);
    expect(gaps[0]).toMatchObject({ nameZh: '区交通局', viaZh: '区空气重污染应急指挥部成员单位' });
    // In 2021 倪德才 was reachable.
    expect((await coverageGaps(db.pool, 2021)).some((g) => g.id === 'ni_decai')).toBe(false);
  });

  it('raises one operational alert per unreachable unit and year when a warning finds nobody', async () => {
    await db.pool.query(
      `INSERT INTO heavy_pollution_warning (external_id, level, starts_at, district_id, area_ids, issuer, measures)
       VALUES ('BJ-2024-1221-01', 'orange', $1, 'tongzhou', '{}', '区空气重污染应急指挥部办公室', '工地停止土石方作业')`,
      [shanghaiInstant('2024-12-21', 0, 0)],
    );
    await h.sweep();
    await db.pool.query(
      `UPDATE heavy_pollution_warning SET level = 'red' WHERE external_id = 'BJ-2024-1221-01'`,
    );
    h.clock.advance(5 * MINUTE);
    await h.sweep();
    const { rows } = await db.pool.query<{ dedupe_key: string; title_zh: string; state: string }>(
      `SELECT dedupe_key, title_zh, state FROM alert WHERE kind = 'operational' ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        dedupe_key: 'ops|no-contact|traffic|2024',
        title_zh: '【无人接收】区交通局 2024 年无有效联系人',
        state: 'firing',
      },
    ]);
    // It names the warning by its level, as an official reads it (not the step id "level:red:2"); the one
    // alert's words follow the latest notice (the upgrade to red).
    const body = await db.pool.query<{ body_zh: string }>(
      `SELECT body_zh FROM alert WHERE kind = 'operational'`,
    );
    expect(body.rows[0]!.body_zh).toMatch(/^空气重污染红色预警通知未能送达区交通局/);
    // The operators are told (the contacts of ALERT_OPS_UNITS, here 区生态环境局).
    const told = await db.pool.query(
      `SELECT DISTINCT d.recipient_id FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE a.kind = 'operational'`,
    );
    expect(told.rows.length).toBeGreaterThan(0);
  });
});
