/**
 * The event-driven path on the real store: hourly measurements → rollups → evaluation_queue → evaluatePending
 * → evaluation + evaluation_current, and an outbox message `sync-alert` exactly when a status changes.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MeasurementRow } from '../../services/store/measurement-queries.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { evaluatePending, sweepTargets } from '../../services/targets/evaluate-pending.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus, listEvaluationHistory } from '../../services/targets/targets-status-queries.js';
import { ManualClock, enumerateDays, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import {
  insertWaterMonth,
  pm25Days,
  resetData,
  seedRealReference,
  target,
  writeMeasurements,
} from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(shanghaiInstant('2024-03-01', 9));

const annual = target({ id: 'T-PEND-ANNUAL', rule: { kind: 'cumulative_mean_limit', max: 35 } });
const yoy = target({
  id: 'T-PEND-YOY',
  scope: { kind: 'areas', ids: ['beiyuan'] },
  main_units: ['streets_towns'],
  rule: { kind: 'yoy_improvement' },
});

beforeAll(async () => {
  await seedRealReference(db.pool);
});
beforeEach(async () => {
  await resetData(db.pool);
  await upsertPlanFile(db.pool, {
    plan: { id: 'test-2024', district: 'tongzhou', year: 2024, name_zh: '测试计划', name_en: 'Test plan' },
    targets: [annual, yoy],
  });
});

/** 24 hourly PM2.5 values a day at the Beiyuan example station. */
function hourly(from: string, to: string, value: number, version: 0 | 1 = 0): MeasurementRow[] {
  return enumerateDays(from, to).flatMap((day) =>
    Array.from({ length: 24 }, (_, h) => ({
      ts: shanghaiInstant(day, h),
      seriesId: 'st_beiyuan_1',
      metricId: 'pm25',
      value,
      dataVersion: version,
    })),
  );
}

async function ingestAndEvaluate(rows: MeasurementRow[]) {
  await writeMeasurements(db.pool, rows);
  while ((await processRollupQueue(db.pool)).keys > 0);
  return evaluatePending(db.pool, { clock });
}

async function outbox(): Promise<{ job_name: string; job_id: string; payload: { evaluationId: number } }[]> {
  return (await db.pool.query('SELECT job_name, job_id, payload FROM outbox ORDER BY id')).rows;
}

describe('evaluatePending', () => {
  it('evaluates the targets a batch touched, up to the last day of data', async () => {
    const r = await ingestAndEvaluate(hourly('2024-01-01', '2024-01-03', 80));
    expect(r.keys).toBeGreaterThan(0);
    const [row] = await listCurrentStatus(db.pool, { targetIds: ['T-PEND-ANNUAL'] });
    expect(row).toMatchObject({
      scopeId: 'tongzhou',
      periodKey: '2024',
      status: 'at_risk',
      asOf: '2024-01-03',
      value: 80,
    });
    expect(row!.explanationZh).toContain('均值80.0');
  });

  it('writes a sync-alert outbox message for a first at_risk evaluation, keyed by the evaluation id', async () => {
    await ingestAndEvaluate(hourly('2024-01-01', '2024-01-03', 80));
    const [row] = await listCurrentStatus(db.pool, { targetIds: ['T-PEND-ANNUAL'] });
    expect(await outbox()).toEqual([
      {
        job_name: 'sync-alert',
        job_id: `sync-alert__${row!.evaluationId}`,
        payload: { evaluationId: row!.evaluationId },
      },
    ]);
  });

  it('stores a new evaluation but no outbox message when more data leaves the status unchanged', async () => {
    await ingestAndEvaluate(hourly('2024-01-01', '2024-01-03', 80));
    await ingestAndEvaluate(hourly('2024-01-04', '2024-01-04', 70));
    const history = await listEvaluationHistory(db.pool, {
      targetId: 'T-PEND-ANNUAL',
      scopeId: 'tongzhou',
      periodKey: '2024',
    });
    expect(history.map((h) => [h.asOf, h.status])).toEqual([
      ['2024-01-03', 'at_risk'],
      ['2024-01-04', 'at_risk'],
    ]);
    expect(await outbox()).toHaveLength(1);
  });

  it('writes the outbox message in the transition and records the previous status', async () => {
    await ingestAndEvaluate(hourly('2024-01-01', '2024-01-03', 80));
    // Three months at 20 bring the mean well under 35 and the rest of the year on track.
    await ingestAndEvaluate(hourly('2024-01-01', '2024-02-29', 20));
    const [row] = await listCurrentStatus(db.pool, { targetIds: ['T-PEND-ANNUAL'] });
    expect(row).toMatchObject({ status: 'met', previousStatus: 'at_risk', asOf: '2024-02-29' });
    expect((await outbox()).map((m) => m.payload.evaluationId)).toContain(row!.evaluationId);
  });

  it('does nothing when the queue is empty', async () => {
    expect(await evaluatePending(db.pool, { clock })).toMatchObject({ keys: 0, evaluations: 0 });
  });

  it("re-evaluates this year's 同比 target when last year's data is revised", async () => {
    await ingestAndEvaluate([
      ...hourly('2023-01-01', '2023-01-31', 50),
      ...hourly('2024-01-01', '2024-01-31', 45),
    ]);
    const before = (await listCurrentStatus(db.pool, { targetIds: ['T-PEND-YOY'] }))[0]!;
    expect(before).toMatchObject({ status: 'met', threshold: 50 });
    // The audited January 2023 arrives: 44, now below this year's 45.
    const r = await ingestAndEvaluate(hourly('2023-01-01', '2023-01-31', 44, 1));
    expect(r.keys).toBeGreaterThan(0);
    const after = (await listCurrentStatus(db.pool, { targetIds: ['T-PEND-YOY'] }))[0]!;
    expect(after).toMatchObject({
      status: 'at_risk',
      previousStatus: 'met',
      threshold: 44,
      dataVersion: 'mixed',
    });
  });

  it('isolates a target whose rule fails: the others are still evaluated and stored', async () => {
    const water = target({
      id: 'T-PEND-BAD',
      metric: 'water_class',
      scope: { kind: 'sections', ids: ['ex_outflow_xiji'] },
      rule: { kind: 'water_class_target', target_class: 5 },
    });
    await upsertPlanFile(db.pool, {
      plan: { id: 'test-2024', district: 'tongzhou', year: 2024, name_zh: '测试计划', name_en: 'Test plan' },
      targets: [annual, water],
    });
    // A negative concentration is refused by the GB 3838 classifier (StandardsError) inside the rule.
    await insertWaterMonth(db.pool, 'ex_outflow_xiji', '2024-01', 5, { nh3n: -1 });
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-02-29', () => 30);
    const r = await sweepTargets(db.pool, { clock, year: 2024 });
    expect(r.failedTargets).toEqual(['T-PEND-BAD']);
    expect((await listCurrentStatus(db.pool)).map((x) => [x.targetId, x.status])).toEqual([
      ['T-PEND-ANNUAL', 'met'],
    ]);
  });
});
