/**
 * "The pipeline has finished with what we gave it": no job waiting, running or due for a retry soon on any
 * queue, no ingest job waiting for a retry however far off, no file left in the demo's drop directories
 * (waiting or claimed), no batch still running, and nothing left in the hand-over tables between the stages
 * (rollup_queue → evaluation_queue → outbox → pending deliveries). Seen idle on two polls in a row, because a
 * job that just finished may be about to enqueue the next stage. The replay moves on only then, so months
 * are processed in order — and the summary is never read with data still on its way (a quarter once ended
 * 66 rows short: one district's monthly workbook not yet counted).
 *
 * The wait is on the replay's critical path some 400 times a year (issue #20: the year must take < 180 s), so it
 * polls often while work moves and confirms idle quickly, and it does not sit out a debounce nobody needs: once
 * nothing upstream of a debounced job can add to it (no file, batch, ingest job or rollup key left, no job
 * running), the job is promoted — the burst it waits to gather has arrived.
 */
import type { Queryable } from '../db/queryable.js';
import { EnvwatchError } from '../errors.js';
import type { Queues } from '../../workers/enqueue.js';
import { evaluateTargetsMessage } from '../outbox/messages.js';

export class PipelineTimeoutError extends EnvwatchError {
  readonly code = 'DEMO_PIPELINE_TIMEOUT';
}

const BUSY_STATES = ['active', 'waiting', 'prioritized', 'waiting-children'] as const;
/** The first poll after work was seen waits this long; the wait doubles while busy, up to POLL_MAX_MS. */
const POLL_MIN_MS = 20;
const POLL_MAX_MS = 100;
/** Idle seen once is confirmed this much later (a job that just finished may be enqueueing the next stage). */
const CONFIRM_MS = 30;
/** The job whose delay is a debounce, gathering the keys of a burst (workers/jobs/evaluate-targets.ts). */
const DEBOUNCED = evaluateTargetsMessage;
/**
 * A delayed job due within this horizon (a retry with a short backoff) is work in progress; one due later —
 * an escalation hours away, an SMS held until working hours, a job failing again and again with an
 * exponentially longer backoff — is not worth holding the replay for: the summary reports failing jobs.
 */
const DELAYED_HORIZON_MS = 30_000;

export interface Backlog {
  /** Jobs active or waiting to run now. */
  jobs: number;
  /** When none is: delayed jobs due within DELAYED_HORIZON_MS (a retry's short backoff, a debounce). */
  delayedSoon: number;
  /**
   * Ingest jobs waiting for a retry, however far off: the data they carry belongs to the month being
   * replayed (and the feed retires a month's records when the next is published).
   */
  ingestRetries: number;
  /** Files in the demo's drop directories that no batch has finished yet. */
  files: number;
  /** Batches opened and not yet done or failed: their rows are not counted yet. */
  runningBatches: number;
  rollupKeys: number;
  evaluationKeys: number;
  outbox: number;
  deliveries: number;
}

async function dueSoon(queue: Queues[keyof Queues]): Promise<number> {
  const now = Date.now();
  const delayed = await queue.getDelayed(0, 200);
  // BullMQ keeps a job's current delay on it; a retry's delay counts from its last attempt.
  const dueAt = (j: (typeof delayed)[number]) => Math.max(j.timestamp, j.processedOn ?? 0) + (j.delay ?? 0);
  return delayed.filter((j) => dueAt(j) - now < DELAYED_HORIZON_MS).length;
}

/**
 * `now` is the pipeline's (replayed) time: a delivery not before it is due. Digest items wait for the daily
 * digest of the alert sweep and are not a backlog of their own.
 */
export async function readBacklog(
  db: Queryable,
  queues: Queues,
  now: Date,
  pendingFiles: () => Promise<number> = async () => 0,
): Promise<Backlog> {
  const all = Object.values(queues);
  const counts = await Promise.all(all.map((q) => q.getJobCounts(...BUSY_STATES)));
  const jobs = counts.reduce((a, c) => a + Object.values(c).reduce((x, y) => x + y, 0), 0);
  const delayedSoon = jobs > 0 ? 0 : (await Promise.all(all.map(dueSoon))).reduce((a, b) => a + b, 0);
  const ingestRetries = (await queues.ingest.getJobCounts('delayed')).delayed ?? 0;
  const files = await pendingFiles();
  const { rows } = await db.query<Omit<Backlog, 'jobs' | 'delayedSoon' | 'ingestRetries' | 'files'>>(
    `SELECT (SELECT count(*) FROM ingest_batch WHERE status = 'running')::int AS "runningBatches",
            (SELECT count(*) FROM rollup_queue)::int AS "rollupKeys",
            (SELECT count(*) FROM evaluation_queue)::int AS "evaluationKeys",
            (SELECT count(*) FROM outbox WHERE relayed_at IS NULL)::int AS outbox,
            (SELECT count(*) FROM delivery
              WHERE (status = 'pending' AND mode = 'immediate' AND not_before <= $1) OR status = 'sending')::int
              AS deliveries`,
    [now],
  );
  return { jobs, delayedSoon, ingestRetries, files, ...rows[0]! };
}

function idle(b: Backlog): boolean {
  return Object.values(b).every((n) => n === 0);
}

/** Only the hand-over tables hold work: a sweep moves it on (a job would have otherwise). */
function stranded(b: Backlog): boolean {
  return b.jobs + b.delayedSoon + b.ingestRetries + b.files + b.runningBatches === 0 && !idle(b);
}

/** Nothing running or queued could still add a key to a debounced job: only the debounce is left to wait. */
function onlyDebounceLeft(b: Backlog): boolean {
  return b.delayedSoon > 0 && b.jobs + b.ingestRetries + b.files + b.runningBatches + b.rollupKeys === 0;
}

/** Runs the debounced job now (only its queue is read); returns how many were promoted. */
async function promoteDebounced(queues: Queues): Promise<number> {
  let n = 0;
  for (const j of await queues[DEBOUNCED.queue].getDelayed(0, 200)) {
    if (j.name !== DEBOUNCED.name) continue;
    // Started or removed meanwhile: nothing to promote.
    if (
      await j.promote().then(
        () => true,
        () => false,
      )
    )
      n++;
  }
  return n;
}

export async function waitForIdle(
  db: Queryable,
  queues: Queues,
  opts: {
    timeoutMs: number;
    now: () => Date;
    /**
     * Runs the scheduler's safety nets (rollups, evaluation and outbox sweeps). The stages hand over with
     * debounced jobs, and a key queued just as a job finished waits for the next sweep; in replayed time
     * there is no minute tick, so when work is left and no job is running, the replay sweeps itself.
     */
    sweep: () => Promise<void>;
    /** Complete files waiting in (or claimed from) the drop directories the replay writes to. */
    pendingFiles?: () => Promise<number>;
    signal?: AbortSignal;
  },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let idleInARow = 0;
  let strandedInARow = 0;
  let last: Backlog | null = null;
  let pollMs = POLL_MIN_MS;
  while (idleInARow < 2) {
    if (opts.signal?.aborted) return;
    if (Date.now() > deadline) {
      throw new PipelineTimeoutError(
        `流水线在 ${Math.round(opts.timeoutMs / 1000)} 秒内未处理完 (pipeline still busy after ${Math.round(opts.timeoutMs / 1000)} s): ` +
          JSON.stringify(last),
      );
    }
    last = await readBacklog(db, queues, opts.now(), opts.pendingFiles);
    idleInARow = idle(last) ? idleInARow + 1 : 0;
    strandedInARow = stranded(last) ? strandedInARow + 1 : 0;
    if (strandedInARow >= 2) {
      await opts.sweep();
      strandedInARow = 0;
    }
    if (onlyDebounceLeft(last) && (await promoteDebounced(queues)) > 0) pollMs = POLL_MIN_MS;
    if (idleInARow === 0) {
      await new Promise((r) => setTimeout(r, pollMs));
      pollMs = Math.min(POLL_MAX_MS, pollMs * 2);
    } else if (idleInARow < 2) await new Promise((r) => setTimeout(r, CONFIRM_MS));
  }
}
