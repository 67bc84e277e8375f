/**
 * The replay's "pipeline idle" must not be declared with data still on its way: a quarter once ended 66 rows
 * short (one district's monthly workbook not counted) because idle looked only at queues and hand-over
 * tables. Each test leaves one kind of pending work and checks that waitForIdle waits for it (here: times
 * out naming it), then that it is idle once that work is gone.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openBatch, finishBatch } from '../../services/ingest/batch-queries.js';
import { pendingDemoFiles } from '../../services/demo/replay/deliver.js';
import { demoDropDir } from '../../services/demo/replay/demo-sources.js';
import { PipelineTimeoutError, waitForIdle } from '../../services/demo/wait-idle.js';
import { closeQueues, createQueues, type Queues } from '../../workers/enqueue.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let redis: Redis;
let queues: Queues;
let dropDir: string;

beforeAll(async () => {
  redis = createTestRedis();
  queues = createQueues(redis, prefix);
  dropDir = await mkdtemp(path.join(tmpdir(), 'envwatch-idle-'));
});

afterAll(async () => {
  await closeQueues(queues);
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await rm(dropDir, { recursive: true, force: true });
});

const wait = (timeoutMs: number) =>
  waitForIdle(db.pool, queues, {
    timeoutMs,
    now: () => new Date(),
    sweep: async () => undefined,
    pendingFiles: () => pendingDemoFiles({ dropDir }),
  });

async function expectBusyWith(field: string): Promise<void> {
  const err = await wait(1_200).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(PipelineTimeoutError);
  expect(JSON.parse((err as Error).message.slice((err as Error).message.indexOf('{')))).toMatchObject({
    [field]: 1,
  });
}

test('a file waiting in a demo drop directory, or claimed and not finished, is work pending', async () => {
  const dir = path.join(dropDir, demoDropDir('demo_district_tables'));
  await mkdir(path.join(dir, '.processing'), { recursive: true });
  await writeFile(path.join(dir, 'area-monthly_tongzhou_2024-01.xlsx'), 'x');
  await expectBusyWith('files');
  await rm(path.join(dir, 'area-monthly_tongzhou_2024-01.xlsx'));
  await writeFile(path.join(dir, '.processing', 'area-monthly_tongzhou_2024-01.xlsx'), 'x');
  await expectBusyWith('files');
  // Finished files (processed/, failed/) and files still being written (.part) are not.
  await rm(path.join(dir, '.processing', 'area-monthly_tongzhou_2024-01.xlsx'));
  await mkdir(path.join(dir, 'processed', '2024-02'), { recursive: true });
  await writeFile(path.join(dir, 'processed', '2024-02', '7-area-monthly_bda_2024-01.xlsx'), 'x');
  await writeFile(path.join(dir, 'tsp-dust-fall_2024-01.csv.part'), 'x');
  await wait(5_000);
});

test('a batch still running is work pending: its rows are not counted yet', async () => {
  const batchId = await openBatch(db.pool, { sourceId: 'demo_district_tables', adapter: 'file_drop' });
  await expectBusyWith('runningBatches');
  await finishBatch(db.pool, batchId, { received: 66, inserted: 66, updated: 0, unchanged: 0, refused: 0 });
  await wait(5_000);
});

test('an ingest job waiting for a retry is work pending however far off it is due', async () => {
  // A retry beyond the 30 s horizon that other queues' delayed jobs (escalations, held SMS) get.
  await queues.ingest.add(
    'ingest-source',
    { sourceId: 'demo_district_tables', tick: null },
    { jobId: 'retry-later', delay: 120_000 },
  );
  await expectBusyWith('ingestRetries');
  await queues.ingest.remove('retry-later');
  // A delayed job of another queue due later than the horizon is not waited for.
  await queues.alerts.add('alert-sweep', { tick: new Date().toISOString() }, { delay: 120_000 });
  await wait(5_000);
});

test('the evaluation debounce is not sat out once nothing upstream is left; a retry backoff is', async () => {
  const ran: string[] = [];
  const worker = new Worker(
    'evaluate',
    async (job) => {
      ran.push(job.name);
    },
    { connection: redis, prefix },
  );
  try {
    // Debounced by 20 s (the product's is 2 s): promoted, run by the worker, idle well before its delay.
    await queues.evaluate.add('evaluate-targets', { reason: 'test', sweep: false }, { delay: 20_000 });
    const t0 = Date.now();
    await wait(10_000);
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(ran).toEqual(['evaluate-targets']);
    // A job whose delay is not a debounce (a rollup refresh's retry backoff) is waited for, not promoted.
    await queues.rollups.add('refresh-rollups', { reason: 'test' }, { jobId: 'backoff', delay: 20_000 });
    await expectBusyWith('delayedSoon');
    await queues.rollups.remove('backoff');
  } finally {
    await worker.close();
  }
});
