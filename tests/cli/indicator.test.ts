/**
 * `envwatch indicator set|list` (issue 16): a value keyed in from the command line goes through the API's verb
 * — stored with its audit row (as `cli:<os user>`, via cli) and queued for evaluation, judged like one the
 * unit reported — with the API's refusals for a bad value, a month not begun and a target that is no manual
 * indicator; the unit is the one that reports the target for the scope unless named.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { run } from '../../services/cli/commands/indicator.js';
import { evaluatePending } from '../../services/targets/evaluate-pending.js';
import { loadPlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../targets/fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const db = useTestDatabase();

async function indicator(...args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const config = loadConfig({ ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const code = await run({ config, args, out: (l) => lines.push(l) });
  return { code, lines };
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  for (const p of await loadPlanFiles(path.join(ROOT, 'config/targets'))) await upsertPlanFile(db.pool, p);
});

describe('envwatch indicator', () => {
  it('sets a value for the unit that reports it, audited and queued, and the engine judges it', async () => {
    const r = await indicator(
      'set',
      '--target',
      'TZ24-OPS-02',
      '--period',
      '2024-05',
      '--value',
      '30',
      '--note',
      '暴雨后清理用时30小时',
    );
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatch(/^TZ24-OPS-02 .* 2024-05: .*30.*（区水务局） stored/);
    const stored = await db.pool.query(
      `SELECT metric_id, scope_id, month::text, value, unit_id, note, reported_via FROM manual_indicator_value`,
    );
    expect(stored.rows).toEqual([
      {
        metric_id: 'post_rain_cleanup_max_hours',
        scope_id: 'tongzhou',
        month: '2024-05-01',
        value: 30,
        unit_id: 'water_bureau',
        note: '暴雨后清理用时30小时',
        reported_via: 'cli',
      },
    ]);
    const audit = await db.pool.query(
      `SELECT action, via, actor LIKE 'cli:%' AS cli FROM audit_log WHERE entity_type = 'manual_indicator_value'`,
    );
    expect(audit.rows).toEqual([{ action: 'indicator_value.report', via: 'cli', cli: true }]);
    await evaluatePending(db.pool, { clock: new ManualClock(shanghaiInstant('2024-06-03', 9)) });
    const { rows } = await db.pool.query(
      `SELECT status FROM evaluation_current WHERE target_id = 'TZ24-OPS-02' AND period_key = '2024-05'`,
    );
    expect(rows).toEqual([{ status: 'breached' }]);
    const list = await indicator('list', '--period', '2024-05', '--unit-id', 'water_bureau');
    expect(list.lines.find((l) => l.startsWith('TZ24-OPS-02\t'))).toMatch(/\t30\tbreached$/);
  });

  it('needs --scope for a target reported per street/town, and then finds its street/town government', async () => {
    await expect(
      indicator('set', '--target', 'TZ21-DUST-01', '--period', '2021-03', '--value', '100'),
    ).rejects.toThrow(/reported per street\/town: name one with --scope \(.*beiyuan/);
    expect(
      (
        await indicator(
          'set',
          '--target',
          'TZ21-DUST-01',
          '--period',
          '2021-03',
          '--value',
          '100',
          '--scope',
          'beiyuan',
        )
      ).code,
    ).toBe(0);
    const { rows } = await db.pool.query(
      `SELECT unit_id FROM manual_indicator_value WHERE metric_id = (SELECT metric_id FROM target WHERE id = 'TZ21-DUST-01')`,
    );
    expect(rows).toEqual([{ unit_id: 'gov_beiyuan' }]);
  });

  it('refuses what the API refuses, with the same words', async () => {
    await expect(
      indicator('set', '--target', 'TZ24-SOIL-02', '--period', '2024-05', '--value', '120'),
    ).rejects.toThrow(/outside 0\.\.100 %/);
    await expect(
      indicator('set', '--target', 'TZ24-SOIL-02', '--period', '2024-05', '--value', 'all'),
    ).rejects.toThrow(/value: a number is expected/);
    await expect(
      indicator('set', '--target', 'TZ24-SOIL-02', '--period', '2099-01', '--value', '100'),
    ).rejects.toThrow(/2099-01 has not begun/);
    await expect(
      indicator('set', '--target', 'TZ24-AIR-01', '--period', '2024-05', '--value', '30'),
    ).rejects.toThrow(/no manual indicator TZ24-AIR-01 for 2024/);
    await expect(
      indicator('set', '--target', 'TZ24-SOIL-02', '--period', '2024-5', '--value', '100'),
    ).rejects.toThrow(/--period "2024-5": expected a month YYYY-MM/);
    await expect(
      indicator(
        'set',
        '--target',
        'TZ24-SOIL-02',
        '--period',
        '2024-05',
        '--value',
        '100',
        '--unit-id',
        'water_bureau',
      ),
    ).rejects.toThrow(/water_bureau does not report TZ24-SOIL-02 \(reported by tongzhou: agriculture\)/);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM manual_indicator_value WHERE metric_id = (SELECT metric_id FROM target WHERE id = 'TZ24-SOIL-02')`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
