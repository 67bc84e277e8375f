/**
 * The evaluate-targets job with real PostgreSQL and real BullMQ queues (own prefix): it drains the queue,
 * sweeps when asked, and enqueues relay-outbox when it stored a transition. The daily sweep is scheduled.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus } from '../../services/targets/targets-status-queries.js';
import { ManualClock, shanghaiInstant } from '../../services/time/shanghai.js';
import { evaluateTargetsJob } from '../../workers/jobs/evaluate-targets.js';
import { targetsSchedules } from '../../workers/schedules/targets.js';
import type { JobContext } from '../../workers/job-context.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { pm25Days, resetData, seedRealReference, target } from './fixtures.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let app: AppContext;
let ctx: JobContext;

beforeAll(async () => {
  await seedRealReference(db.pool);
  // The real wiring (pool, Redis, queues, channels) with a manual clock; the job context is what the worker
  // host builds from it.
  app = createAppContext(loadConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' }), {
    clock: new ManualClock(shanghaiInstant('2024-04-02', 6)),
  });
  ctx = { ...app, signal: new AbortController().signal, jobId: 'test', attempt: 1 };
});

afterAll(async () => {
  await app.close();
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

beforeEach(async () => {
  await resetData(db.pool);
  await app.queues.alerts.obliterate({ force: true });
  await upsertPlanFile(db.pool, {
    plan: { id: 'test-2024', district: 'tongzhou', year: 2024, name_zh: '测试计划', name_en: 'Test plan' },
    targets: [target({ id: 'T-JOB-01', rule: { kind: 'cumulative_mean_limit', max: 35 } })],
  });
});

describe('evaluate-targets job', () => {
  it('sweeps every current period when asked and relays the alert work it caused', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-03-31', () => 60);
    const result = await evaluateTargetsJob.handle(evaluateTargetsJob.schema.parse({ sweep: true }), ctx);
    expect(result).toMatchObject({ keys: 0, evaluations: 1, transitions: 1, failedTargets: [] });
    expect((await listCurrentStatus(db.pool, { targetIds: ['T-JOB-01'] }))[0]).toMatchObject({
      status: 'at_risk',
    });
    const jobs = await app.queues.alerts.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.map((j) => j.name)).toEqual(['relay-outbox']);
  });

  it('only drains the queue without sweep, and enqueues nothing when nothing changed', async () => {
    await pm25Days(db.pool, 'tongzhou', '2024-01-01', '2024-03-31', () => 60);
    const result = await evaluateTargetsJob.handle(evaluateTargetsJob.schema.parse({}), ctx);
    expect(result).toMatchObject({ keys: 0, evaluations: 0, transitions: 0 });
    expect(await app.queues.alerts.getJobs(['waiting', 'delayed', 'prioritized'])).toEqual([]);
  });

  it('is scheduled daily as a sweep', () => {
    expect(targetsSchedules).toEqual([
      expect.objectContaining({ id: 'targets-daily-sweep', cron: '10 6 * * *', job: 'evaluate-targets' }),
    ]);
    expect(targetsSchedules[0]!.payload(new Date())).toEqual({ reason: 'daily-sweep', sweep: true });
  });
});
