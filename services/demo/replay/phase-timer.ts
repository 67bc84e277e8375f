/**
 * Where the demo's time goes (issue #20 item 6: the replayed year must stay under 180 s). Two views, both
 * printed under the summary:
 * - the replay loop's own phases, wall-clock, which add up to the replay's time: generating a month,
 *   delivering it (files written, feed published, HJ 212 loggers sending), waiting for the pipeline after
 *   each kind of step;
 * - the workers' busy time per job name (the jobs run in this process, `envwatch_job_duration_seconds`),
 *   which overlaps the waits above and may exceed them: jobs of different queues run at once.
 */
import { metrics } from '../../metrics/metrics.js';

export type ReplayPhase = 'generate' | 'deliver' | 'pipeline' | 'alert-sweep' | 'tasks' | 'reports';

export class PhaseTimer {
  readonly ms: Record<ReplayPhase, number> = {
    generate: 0,
    deliver: 0,
    pipeline: 0,
    'alert-sweep': 0,
    tasks: 0,
    reports: 0,
  };

  async time<T>(phase: ReplayPhase, fn: () => Promise<T> | T): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.ms[phase] += performance.now() - t0;
    }
  }
}

/** Seconds of successful jobs per job name recorded in this process so far, largest first. */
export async function jobSecondsByName(): Promise<Record<string, number>> {
  const byJob: Record<string, number> = {};
  for (const v of (await metrics.jobSeconds.get()).values) {
    if (!v.metricName?.endsWith('_sum')) continue;
    const job = String(v.labels.job);
    byJob[job] = (byJob[job] ?? 0) + v.value;
  }
  return Object.fromEntries(Object.entries(byJob).sort((a, b) => b[1] - a[1]));
}
