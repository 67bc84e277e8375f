/**
 * Scheduler → queue → workers with real Redis (own prefix) and PostgreSQL: the per-minute tick enqueues one
 * ingest-source job per due source with a deterministic id, so two schedulers (or a repeated tick) never
 * ingest twice.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { createAppContext, type AppContext } from '../../services/runtime/app-context.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { dispatchIngestTick } from '../../workers/jobs/ingest-dispatch.js';
import { runSourceJob } from '../../workers/jobs/ingest-source.js';
import type { JobContext } from '../../workers/job-context.js';
import { tickJobId } from '../../workers/scheduler.js';
import { ingestSchedules } from '../../workers/schedules/ingest.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';
import { seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
const tempDir = useTempDir();
const clock = new ManualClock(new Date('2024-03-01T09:00:20+08:00'));
let app: AppContext;
let ctx: JobContext;

const SOURCES = `sources:
  - { id: every_ten, name_zh: 每十分钟, adapter: file_drop, schedule: '*/10 * * * *', dir: a, cadence: hour, expected_lag: 1h, settle_window: 1h }
  - { id: at_nine, name_zh: 每天九点, adapter: file_drop, schedule: '0 9 * * *', dir: b, cadence: day, expected_lag: 1d, settle_window: 1d }
  - { id: switched_off, name_zh: 停用, adapter: file_drop, enabled: false, schedule: '* * * * *', dir: c, cadence: hour, expected_lag: 1h, settle_window: 1h }
  - { id: pushed, name_zh: 推送, adapter: http_push, cadence: hour, expected_lag: 1h, settle_window: 1h }
`;

async function queuedSourceJobs(): Promise<{ id: string; sourceId: string }[]> {
  const jobs = await app.queues.ingest.getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs
    .filter((j) => j.name === 'ingest-source')
    .map((j) => ({ id: j.id!, sourceId: (j.data as { sourceId: string }).sourceId }))
    .sort((a, b) => a.sourceId.localeCompare(b.sourceId));
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  const sourcesFile = path.join(tempDir(), 'sources.yaml');
  await writeFile(sourcesFile, SOURCES, 'utf8');
  app = createAppContext(
    loadConfig({
      DATABASE_URL: db.url,
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      SOURCES_FILE: sourcesFile,
      DROP_DIR: tempDir(),
    }),
    { clock },
  );
  ctx = { ...app, signal: new AbortController().signal, jobId: 'test', attempt: 1 };
});

afterAll(async () => {
  await app.close();
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

beforeEach(async () => {
  await app.queues.ingest.obliterate({ force: true });
  await app.queues.rollups.obliterate({ force: true });
});

describe('scheduled ingestion', () => {
  it('ticks once a minute in Asia/Shanghai, the job id named after the slot', () => {
    expect(ingestSchedules).toEqual([
      expect.objectContaining({ id: 'ingest-dispatch', cron: '* * * * *', job: 'ingest-dispatch' }),
    ]);
    // Every scheduler is handed the slot it matched (not the moment it fired), so the ids agree.
    expect(tickJobId('ingest-dispatch', new Date('2024-03-01T01:00:00.000Z'))).toBe(
      'cron__ingest-dispatch__2024-03-01T01-00-00',
    );
  });

  it('two dispatchers of the same tick enqueue one job per due source', async () => {
    const tick = { tick: '2024-03-01T01:00:00.000Z' }; // 09:00 in Shanghai: both schedules are due
    await Promise.all([dispatchIngestTick(tick, ctx), dispatchIngestTick(tick, ctx)]);
    expect(await queuedSourceJobs()).toEqual([
      { id: 'ingest__at_nine__2024-03-01T01-00', sourceId: 'at_nine' },
      { id: 'ingest__every_ten__2024-03-01T01-00', sourceId: 'every_ten' },
    ]);
  });

  it('matches each source against its own schedule in Shanghai time', async () => {
    const r = await dispatchIngestTick({ tick: '2024-03-01T09:00:00.000Z' }, ctx); // 17:00 Shanghai
    expect(r.enqueued).toEqual(['every_ten']);
    const r2 = await dispatchIngestTick({ tick: '2024-03-01T09:05:00.000Z' }, ctx);
    expect(r2.enqueued).toEqual([]);
  });

  it('a queued source job ingests what arrived once, even when the job runs twice', async () => {
    await mkdir(path.join(tempDir(), 'a'), { recursive: true });
    await writeCsv(path.join(tempDir(), 'a', 'hour.csv'), [
      ['time', 'series', 'metric', 'value'],
      ['2024-03-01T08:00:00+08:00', 'st_liyuan_1', 'pm25', 33],
    ]);
    await dispatchIngestTick({ tick: '2024-03-01T01:10:00.000Z' }, ctx);
    const [job] = await queuedSourceJobs();
    const payload = { sourceId: job!.sourceId, tick: '2024-03-01T01:10:00.000Z' };
    const first = await runSourceJob(payload, ctx);
    const second = await runSourceJob(payload, ctx); // a stalled job run again by BullMQ
    expect(first.batches).toMatchObject([{ received: 1, inserted: 1 }]);
    expect(second.batches).toEqual([]);
    const rollups = await app.queues.rollups.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(rollups.map((j) => j.name)).toEqual(['refresh-rollups']);
    const { rows } = await db.pool.query(`SELECT tick FROM ingest_batch WHERE source_id = 'every_ten'`);
    expect(rows).toEqual([{ tick: '2024-03-01T01:10:00.000Z' }]);
  });
});
