/**
 * Runs one source (the `ingest-source` job) and decides which sources are due at a scheduler tick (the
 * `ingest-dispatch` job). Sources are evaluated against their own cron expression in Asia/Shanghai with
 * node-cron's matcher — the same library and time zone as the scheduler.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { ValidationError } from '../errors.js';
import { BUSINESS_TZ, MINUTE } from '../time/shanghai.js';
import type { AdapterContext, SourceRunResult } from './adapters/adapter.js';
import { fileDropAdapter } from './adapters/file-drop.js';
import { httpPullAdapter } from './adapters/http-pull.js';
import { checkSourceFreshness, type FreshnessReport } from './freshness.js';
import type { SourceDefinition } from './sources/source-schema.js';

export interface SourceRunOutcome extends SourceRunResult {
  freshness: FreshnessReport;
}

export async function runSource(source: SourceDefinition, ctx: AdapterContext): Promise<SourceRunOutcome> {
  let result: SourceRunResult;
  switch (source.adapter) {
    case 'file_drop':
      result = await fileDropAdapter.run(source, ctx);
      break;
    case 'http_pull':
      result = await httpPullAdapter.run(source, ctx);
      break;
    case 'http_push':
      throw new ValidationError(
        `source ${source.id} is pushed to envwatch (http_push); it has nothing to run`,
      );
  }
  // Judge freshness right away, so a stale episode resolves as soon as the missing data arrived.
  const freshness = await checkSourceFreshness(ctx.db, [source], ctx.clock.now());
  return { ...result, freshness };
}

/** Matchers by cron expression; stopped node-cron tasks, used only for match(). */
const matchers = new Map<string, ScheduledTask>();

function matcherOf(expression: string): ScheduledTask {
  let task = matchers.get(expression);
  if (!task) {
    task = cron.createTask(expression, () => undefined, { timezone: BUSINESS_TZ });
    matchers.set(expression, task);
  }
  return task;
}

/** The enabled, scheduled sources whose cron expression matches the tick's minute (Asia/Shanghai). */
export function dueSources(sources: readonly SourceDefinition[], tick: Date): SourceDefinition[] {
  const minute = new Date(Math.floor(tick.getTime() / MINUTE) * MINUTE);
  return sources.filter((s) => s.enabled && s.adapter !== 'http_push' && matcherOf(s.schedule).match(minute));
}
