/**
 * A past month regenerated after the year moved on (issue 15): the March 2024 report made in January 2025,
 * when evaluation_current holds the year-end verdicts, still prints the statuses as evaluated at the end
 * of March — the ones officials read in April.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectMonthlyReport } from '../../services/reports/collect-monthly.js';
import { produceReport } from '../../services/reports/produce-report.js';
import { pdfkitEngine } from '../../services/reports/render/pdf-engine.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let outDir: string;

/** The year went on: later evaluations of the same targets, the year-end one now current. */
async function yearMovesOn(): Promise<void> {
  await db.pool.query(
    `WITH e AS (
       INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, value, threshold, data_version, explanation_zh, explanation_en, evaluated_at)
       VALUES ('TZ24-AIR-01', 'tongzhou', '2024', '2024-04-01', 'breached', 47.9, 35, 'provisional', '四月', 'April', '2024-04-02 02:00+08'),
              ('TZ24-AIR-01', 'tongzhou', '2024', '2024-12-31', 'met', 34.6, 35, 'audited', '全年', 'year', '2025-01-06 02:00+08'),
              ('TZ24-AIR-05', 'luyuan', '2024', '2024-12-31', 'breached', 45.0, 44.0, 'audited', '全年', 'year', '2025-01-06 02:00+08'),
              -- A re-evaluation of 31 March itself, made after the fixture's: it is the later word on that day.
              ('TZ24-AIR-05', 'xiji', '2024', '2024-03-31', 'at_risk', 51.0, 50.0, 'audited', '审核', 'audited', now() + interval '1 minute')
       RETURNING id, target_id, scope_id, period_key, status, as_of)
     UPDATE evaluation_current c SET evaluation_id = e.id, status = e.status
       FROM e WHERE e.as_of = '2024-12-31' AND c.target_id = e.target_id AND c.scope_id = e.scope_id AND c.period_key = e.period_key`,
  );
}

/** What the evaluation said at the end of a day, straight from the history, for the test to compare with. */
async function evaluationAsOf(target: string, scope: string, period: string, day: string) {
  const { rows } = await db.pool.query<{ status: string; value: number | null }>(
    `SELECT status, value FROM evaluation WHERE target_id = $1 AND scope_id = $2 AND period_key = $3 AND as_of <= $4
      ORDER BY as_of DESC, evaluated_at DESC LIMIT 1`,
    [target, scope, period, day],
  );
  return rows[0];
}

/**
 * Alerts with their history, as the alerts engine writes them (an event per change): what each was on
 * 31 March differs from what it is now.
 */
async function alertsWithHistory(): Promise<void> {
  const alerts: [string, string, string, string, [string, string, string | null][]][] = [
    // Open all March, acknowledged and resolved only later: firing in the March report.
    [
      'hist|a',
      'luyuan',
      'resolved',
      '潞源街道三月预警',
      [
        ['opened', '2024-03-10 09:00+08', null],
        ['acknowledged', '2024-04-02 09:00+08', '李科长'],
        ['resolved', '2024-05-01 09:00+08', null],
      ],
    ],
    // Acknowledged and resolved within March: not open at its end.
    [
      'hist|b',
      'beiyuan',
      'resolved',
      '北苑街道已解除',
      [
        ['opened', '2024-03-05 09:00+08', null],
        ['acknowledged', '2024-03-06 09:00+08', '张科长'],
        ['resolved', '2024-03-20 09:00+08', null],
      ],
    ],
    // Resolved, reopened before the month ended, closed in June: open (firing) at the end of March.
    [
      'hist|c',
      'yuqiao',
      'closed',
      '玉桥街道再次预警',
      [
        ['opened', '2024-03-01 09:00+08', null],
        ['resolved', '2024-03-10 09:00+08', null],
        ['reopened', '2024-03-25 09:00+08', null],
        ['closed', '2024-06-30 09:00+08', '系统'],
      ],
    ],
    // Acknowledged on the last evening of March (Shanghai), still open today.
    [
      'hist|d',
      'zhongcang',
      'acknowledged',
      '中仓街道已确认',
      [
        ['opened', '2024-03-30 09:00+08', null],
        ['acknowledged', '2024-03-31 23:30+08', '王科长'],
      ],
    ],
    // Opened at 00:10 on 1 April (Shanghai): April's, not March's.
    ['hist|e', 'xinhua', 'firing', '新华街道四月预警', [['opened', '2024-04-01 00:10+08', null]]],
  ];
  for (const [key, scope, state, title, events] of alerts) {
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO alert (kind, dedupe_key, scope_id, district_id, directory_year, state, severity, condition, title_zh, title_en, body_zh, body_en, opened_at)
       VALUES ('target', $1, $2, 'tongzhou', 2024, $3, 'warning', 'at_risk', $4, $4, '…', '…', $5) RETURNING id`,
      [key, scope, state, title, events[0]![1]],
    );
    for (const [kind, at, actor] of events)
      await db.pool.query(`INSERT INTO alert_event (alert_id, kind, at, actor) VALUES ($1, $2, $3, $4)`, [
        rows[0]!.id,
        kind,
        at,
        actor,
      ]);
  }
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-past-month-'));
  await insertReference(db.pool);
  await insertMarchDataset(db.pool, { marchVersion: 0 });
  await yearMovesOn();
  await alertsWithHistory();
}, 60_000);

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('a past month regenerated in January of the next year', () => {
  it("prints the statuses as evaluated at the month's end, not evaluation_current's year-end ones", async () => {
    const { rows: current } = await db.pool.query(
      `SELECT status FROM evaluation_current WHERE target_id = 'TZ24-AIR-01' AND scope_id = 'tongzhou'`,
    );
    expect(current[0].status).toBe('met'); // the year-end verdict
    const data = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-03' });
    const district = data.districtTargets.find((d) => d.targetId === 'TZ24-AIR-01')!;
    const expected = await evaluationAsOf('TZ24-AIR-01', 'tongzhou', '2024', '2024-03-31');
    expect(district).toMatchObject({ status: expected!.status, value: expected!.value, asOf: '2024-03-31' });
    expect(district.status).toBe('at_risk');

    const pm25 = data.rankings.find((r) => r.metric.id === 'pm25')!;
    const status = (area: string) => pm25.rows.find((r) => r.area.id === area)?.status?.status;
    expect(status('luyuan')).toBe(
      (await evaluationAsOf('TZ24-AIR-05', 'luyuan', '2024', '2024-03-31'))!.status,
    );
    expect(status('luyuan')).toBe('met');
    // xiji: the re-evaluation of 31 March (at_risk) replaces the first one (insufficient data); its city-rank
    // breach for March stands beside it, and the worst of the two is printed.
    expect(status('xiji')).toBe('breached');
    const ytd = await evaluationAsOf('TZ24-AIR-05', 'xiji', '2024', '2024-03-31');
    expect(ytd!.status).toBe('at_risk');
  });

  it("lists the alerts open at the month's end, in the state they had then", async () => {
    const data = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-03' });
    expect(data.alerts.map((a) => [a.titleZh, a.state, a.acknowledgedBy])).toEqual([
      // Worst severity first, then by opening: the fixture's district alert has no history (its timestamps).
      ['玉桥街道再次预警', 'firing', null],
      ['潞源街道三月预警', 'firing', null],
      ['全区PM2.5累计浓度有超标风险', 'acknowledged', '王科长'],
      ['中仓街道已确认', 'acknowledged', '王科长'],
    ]);
    // Today the same alerts read otherwise: 潞源 resolved, 玉桥 closed, 新华 open.
    const april = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-04' });
    expect(april.alerts.map((a) => a.titleZh)).toContain('新华街道四月预警');
    expect(april.alerts.find((a) => a.titleZh === '潞源街道三月预警')).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: '李科长',
    });
  });

  it('the regenerated files say the same', async () => {
    const r = await produceReport(db.pool, {
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'on_demand',
      locales: ['zh-CN'],
      outDir,
      clock: new ManualClock(new Date('2025-01-08T01:30:00Z')),
      renderer: pdfkitEngine(),
    });
    const html = await readFile(path.join(outDir, r.files.find((f) => f.format === 'html')!.path), 'utf8');
    const row = /TZ24-AIR-01[\s\S]*?<\/tr>/.exec(html)![0];
    expect(row).toContain('有风险');
    expect(row).toContain('2024-03-31');
    expect(row).not.toContain('2024-12-31');
  }, 60_000);
});
