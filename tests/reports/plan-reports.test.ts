/** Which reports a daily tick (re)produces: the settle day, audited revisions, the quarterly water bulletin. */
import { describe, expect, it } from 'vitest';
import { latestSettledMonth, planReports } from '../../services/reports/plan-reports.js';
import { reportsSchedules } from '../../workers/schedules/reports.js';

const cfg = { settleDay: 5, revisionMonths: 2, scopes: ['tongzhou'], waterBulletinYears: [2021] };

describe('latestSettledMonth', () => {
  it('is last month from the settle day on, the month before until then (across a year end)', () => {
    expect(latestSettledMonth('2024-04-05', 5)).toBe('2024-03');
    expect(latestSettledMonth('2024-04-04', 5)).toBe('2024-02');
    expect(latestSettledMonth('2025-01-05', 5)).toBe('2024-12');
    expect(latestSettledMonth('2025-01-01', 5)).toBe('2024-11');
  });
});

describe('planReports', () => {
  it('schedules the settled month and re-checks the earlier ones for revisions', () => {
    expect(planReports('2024-04-05', cfg)).toEqual([
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2024-03', reason: 'schedule' },
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2024-02', reason: 'revision' },
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2024-01', reason: 'revision' },
    ]);
  });

  it('adds the quarterly water bulletin after a quarter in the plan years that require it (2021)', () => {
    const plan = planReports('2021-04-06', { ...cfg, revisionMonths: 0, scopes: ['tongzhou', 'bda'] });
    expect(plan).toEqual([
      { kind: 'monthly', scopeId: 'tongzhou', periodKey: '2021-03', reason: 'schedule' },
      { kind: 'water_quarterly', scopeId: 'tongzhou', periodKey: '2021-Q1', reason: 'schedule' },
      { kind: 'monthly', scopeId: 'bda', periodKey: '2021-03', reason: 'schedule' },
      { kind: 'water_quarterly', scopeId: 'bda', periodKey: '2021-Q1', reason: 'schedule' },
    ]);
    expect(
      planReports('2024-04-06', { ...cfg, revisionMonths: 0 }).some((p) => p.kind === 'water_quarterly'),
    ).toBe(false);
  });

  it('makes the 调度 report of the month just ended on the 1st only (a snapshot, not re-checked)', () => {
    const dispatch = (day: string) => planReports(day, cfg).filter((p) => p.kind === 'task_dispatch');
    expect(dispatch('2024-12-01')).toEqual([
      { kind: 'task_dispatch', scopeId: 'tongzhou', periodKey: '2024-11', reason: 'schedule' },
    ]);
    expect(dispatch('2025-01-01')[0]?.periodKey).toBe('2024-12');
    expect(dispatch('2024-12-02')).toEqual([]);
  });

  it('is driven by one daily cron tick at 09:30 Asia/Shanghai', () => {
    expect(reportsSchedules.map((s) => [s.id, s.cron, s.job])).toEqual([
      ['reports-daily', '30 9 * * *', 'plan-reports'],
    ]);
    expect(reportsSchedules[0]!.payload(new Date('2024-04-04T16:30:00Z'))).toEqual({ day: '2024-04-05' });
  });
});
