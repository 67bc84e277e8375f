/**
 * The replay loop. In replayed time the demo plays the scheduler's part: the scheduler's ticks are wall-clock
 * minutes, and firing them in the middle of a replayed month would make the year's story depend on how fast
 * the machine is. So for each month, at the replayed moment its data is due (the 5th of the next month,
 * 09:00), the demo runs what the ticks would have run: each source (`ingest-source`), the alert sweep
 * (escalations, digest, warnings) and the monthly reports — and waits until the pipeline has finished
 * with one before the next. Within the month, the units' progress and the daily task reminders run at their
 * own replayed moments (task-moments.ts), in time order with the deliveries that have one.
 */
import type { AppContext } from '../../runtime/app-context.js';
import { MINUTE, shanghaiInstant, type ManualClock } from '../../time/shanghai.js';
import { jobId } from '../../../workers/queue-names.js';
import { CORE_SCHEDULES } from '../../../workers/schedules/core.js';
import { addExpected, type ExpectedCounts } from '../demo-summary.js';
import { progressLine } from '../progress.js';
import { readCounters } from '../summary-queries.js';
import { WAVES, type DemoDataset } from '../synthetic/dataset.js';
import type { ReplayStep } from '../synthetic/delivery.js';
import { waitForIdle } from '../wait-idle.js';
import { deliverWave, pendingDemoFiles, type DeliveryContext } from './deliver.js';
import type { PhaseTimer } from './phase-timer.js';
import { reportDemoMonth } from './progress-step.js';
import { produceMonthlyReports } from './reports-step.js';
import { taskMoments, type ReplayMoment } from './task-moments.js';

export interface ReplayDeps {
  ctx: AppContext;
  clock: ManualClock;
  delivery: DeliveryContext;
  stepTimeoutMs?: number;
  out: (line: string) => void;
  phases: PhaseTimer;
  /**
   * Runs after each move of the clock, before anything happens at the new time: hands the replayed time to role
   * processes outside this one (replay-clock.ts). Unset when every role runs in this process.
   */
  clockMoved?: (instant: Date) => Promise<void>;
}

/** Replays every step; returns what the generator planted, for the summary to compare with. */
export async function replayYear(dataset: DemoDataset, deps: ReplayDeps): Promise<ExpectedCounts> {
  const { ctx, clock, phases } = deps;
  const setClock = async (instant: Date) => {
    clock.set(instant);
    await deps.clockMoved?.(instant);
  };
  const expected: ExpectedCounts = { rows: 0, refusedByReason: {} };
  // A group message goes group_wait after its first item (plus the sweep's minute); 0 turns grouping off.
  const groupWindowMs =
    ctx.config.ALERT_GROUP_WAIT_SECONDS > 0 ? (ctx.config.ALERT_GROUP_WAIT_SECONDS + 60) * 1000 : 0;
  let sweeps = 0;
  const sweep = async () => {
    sweeps += 1;
    for (const s of CORE_SCHEDULES)
      await ctx.enqueue(s.job, s.payload(clock.now()) as never, { jobId: jobId('demo-sweep', s.id, sweeps) });
  };
  const waitIdle = (phase: Parameters<PhaseTimer['time']>[0] = 'pipeline') =>
    phases.time(phase, () =>
      waitForIdle(ctx.db, ctx.queues, {
        timeoutMs: deps.stepTimeoutMs ?? 10 * MINUTE,
        now: () => clock.now(),
        sweep,
        pendingFiles: () => pendingDemoFiles(deps.delivery),
      }),
    );
  // What the alerts domain's minute tick does at the replayed moment: escalations due, the daily digest,
  // warnings issued or lifted.
  const alertSweep = async (at: Date) => {
    await ctx.enqueue(
      'alert-sweep',
      { tick: at.toISOString() },
      { jobId: jobId('demo-alert-sweep', at.toISOString()) },
    );
    await waitIdle('alert-sweep');
  };
  // A step's deliveries without a moment of their own, wave after wave; `afterWave` runs after each.
  const deliverWaves = async (step: ReplayStep, afterWave: () => Promise<void>) => {
    const monthStart = shanghaiInstant(`${step.month}-01`);
    for (const wave of WAVES) {
      const deliveries = step.deliveries.filter((d) => d.wave === wave && !d.at);
      if (deliveries.length === 0) continue;
      await phases.time('deliver', () =>
        deliverWave(deps.delivery, deliveries, monthStart, `${step.phase}-${step.month}-w${wave}`),
      );
      await afterWave();
    }
  };
  const plan = dataset.stepPlan();
  const history = plan.filter((p) => p.phase === 'history');
  const replayed = plan.filter((p) => p.phase === 'replay');
  const total = replayed.length + (history.length > 0 ? 1 : 0);
  if (history.length > 0) {
    // The year before, imported as one history step: its months are files for the import, with no alert or
    // report of their own, so they are delivered one after another and the pipeline is waited for once —
    // the import reads one month while the rollups of the last are refreshed (issue #20: the replayed year
    // < 180 s; month by month it waited for the pipeline 24 times, 40 s of the year).
    const before = await readCounters(ctx.db);
    const t = performance.now();
    let clockAt = new Date(0);
    for (const p of history) {
      const step = await phases.time('generate', () => dataset.buildStep(p));
      clockAt = step.clock;
      await setClock(step.clock);
      await deliverWaves(step, async () => undefined);
      for (const d of step.deliveries) addExpected(expected, d.records, d.expectedRefusals);
    }
    await waitIdle();
    await alertSweep(clockAt);
    const label = `${history[0]!.month}..${history.at(-1)!.month.slice(5)}`;
    deps.out(
      progressLine(
        1,
        total,
        { label, phase: 'history' },
        before,
        await readCounters(ctx.db),
        performance.now() - t,
      ),
    );
  }
  for (const [j, p] of replayed.entries()) {
    const i = j + (total - replayed.length);
    const step = await phases.time('generate', () => dataset.buildStep(p));
    const before = await readCounters(ctx.db);
    const t = performance.now();
    const monthStart = shanghaiInstant(`${step.month}-01`);
    // Deliveries with a moment of their own (a warning issued, lifted), the units' progress and the task
    // reminders around the cut-off: in time order, each at its moment.
    const timed: ReplayMoment[] = step.deliveries
      .filter((d) => d.at)
      .map((d) => ({
        at: d.at!,
        sweep: true,
        run: () =>
          phases.time('deliver', () =>
            deliverWave(deps.delivery, [d], monthStart, `${step.phase}-${d.name}`),
          ),
      }));
    timed.push(
      ...(await taskMoments(ctx, step.month)).map((m) => ({
        ...m,
        run: () => phases.time('tasks', m.run),
      })),
    );
    timed.sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const [i, m] of timed.entries()) {
      await setClock(m.at);
      await m.run();
      await waitIdle();
      if (m.sweep) await alertSweep(m.at);
      // Let the group windows this moment opened close at their own time, as the minute tick would: without it
      // they stayed open until the replay's next sweep, and a warning's 已解除 notice of 1月12日 went out in one
      // mail with the 1月25日 progress reminder (read in the quarter demo's mail). Never past the next moment.
      const next = timed[i + 1]?.at ?? step.clock;
      const flushAt = new Date(Math.min(m.at.getTime() + groupWindowMs, next.getTime()));
      if (groupWindowMs > 0 && flushAt.getTime() > m.at.getTime()) {
        await setClock(flushAt);
        await alertSweep(flushAt);
      }
    }
    await setClock(step.clock);
    await deliverWaves(step, () => waitIdle());
    for (const d of step.deliveries) addExpected(expected, d.records, d.expectedRefusals);
    await alertSweep(step.clock);
    // The month's manual indicators, reported as its data arrive, and the overdue check at that moment.
    await phases.time('tasks', () => reportDemoMonth(ctx, step.month, step.clock));
    await waitIdle('tasks');
    const revised = step.deliveries.flatMap((d) => (d.revises ? [d.revises] : []));
    await phases.time('reports', () => produceMonthlyReports(ctx, { month: step.month, revised }));
    await waitIdle('reports');
    deps.out(progressLine(i + 1, total, step, before, await readCounters(ctx.db), performance.now() - t));
  }
  return expected;
}
