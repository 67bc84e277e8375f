/**
 * `npm run demo`: migrate and seed a demo database, start the workers, replay the synthetic year month by
 * month through the real routes in (file drop, HTTP pull) — rollups, evaluations, alerts, deliveries and
 * reports following each month — print progress and the summary, then run envwatch as `envwatch start`
 * does (scheduler, workers, API) and leave the dashboard up.
 *
 * The replayed year lies in the past: a ManualClock gives the pipeline its "now" (the 5th of the month after
 * the data), so validation judges "in the future" against replayed time, alerts are stamped with it, and the
 * dashboard, served with the same clock, shows the year as of its end.
 */
import path from 'node:path';
import type { Config } from '../../config/env.js';
import { checkPostgres, checkRedis } from '../cli/dependency-check.js';
import { runMigrate } from '../cli/commands/migrate.js';
import { PROJECT_ROOT } from '../../config/paths.js';
import { createPool } from '../db/pool.js';
import { loadReferenceSet } from '../reference/load-reference.js';
import { createAppContext } from '../runtime/app-context.js';
import { startRoles, type RunningRoles } from '../runtime/start-roles.js';
import { ManualClock, addMonths } from '../time/shanghai.js';
import { startDemoServices, type DemoServices } from './demo-services.js';
import {
  clearQueuePrefix,
  demoDatabaseUrl,
  maintenanceUrl,
  registerDemoDevices,
  resetDemoDatabase,
  seedDemo,
} from './demo-setup.js';
import { collectSummary, type DemoSummary } from './demo-summary.js';
import { progressLegend, summaryLines } from './progress.js';
import { PhaseTimer, jobSecondsByName } from './replay/phase-timer.js';
import { publishReplayTime } from './replay-clock.js';
import { replayYear } from './replay/replay-year.js';
import { DemoDataset, stepClock, type DemoOptions } from './synthetic/dataset.js';
import { worldFromReference } from './synthetic/world.js';

export interface DemoRunOptions extends DemoOptions {
  /** Keep the dashboard running after the summary. */
  serve: boolean;
  /** Use this (already created) database as is; by default `<name>_demo` is dropped and re-created. */
  databaseUrl?: string;
  queuePrefix?: string;
  /** Send e-mail to this SMTP server (Mailpit) instead of the embedded catcher. */
  smtpUrl?: string;
  /** Longest wait for the pipeline to finish one part of a month. */
  stepTimeoutMs?: number;
  /**
   * Scaled out: the workers and HJ 212 receivers run in processes this function starts (given the demo's
   * configuration) instead of in this one, following the replayed time through Redis (replay-clock.ts). The
   * replay still drives: it delivers, waits for the pipeline and moves the clock.
   */
  externalRoles?: (config: Config) => Promise<ExternalRoles>;
}

export interface ExternalRoles {
  /** The receivers' ports: the loggers are spread over them. */
  hj212Ports: readonly number[];
  /** The processes following the replayed time (followReplayTime's `follower` names). */
  followers: readonly string[];
  stop(): Promise<void>;
}

export interface DemoRun {
  summary: DemoSummary;
  url: string | null;
  stop(): Promise<void>;
}

type Out = (line: string) => void;

export async function runDemo(base: Config, opts: DemoRunOptions, out: Out): Promise<DemoRun> {
  const started = performance.now();
  const databaseUrl = opts.databaseUrl ?? demoDatabaseUrl(base.DATABASE_URL);
  const reset = opts.databaseUrl === undefined;
  // Both dependencies first, with their how-to-start messages, before anything is created. The demo
  // database may not exist yet: the server is checked through its maintenance database then.
  await checkPostgres({ ...base, DATABASE_URL: reset ? maintenanceUrl(databaseUrl) : databaseUrl });
  await checkRedis(base);

  out(
    `演示数据库 Demo database: ${new URL(databaseUrl).pathname.slice(1)}${reset ? '（重新创建 re-created）' : ''}`,
  );
  if (reset) await resetDemoDatabase(databaseUrl);
  await runMigrate({ ...base, DATABASE_URL: databaseUrl }, (line) => out(`  ${line}`));
  const dataset = await seedDataset(databaseUrl, opts, out);

  const queuePrefix = opts.queuePrefix ?? `${base.QUEUE_PREFIX}-demo`;
  const services = await startDemoServices(base, {
    databaseUrl,
    queuePrefix,
    smtpUrl: opts.smtpUrl,
    serve: opts.serve,
  });
  const clock = new ManualClock(stepClock(dataset.stepPlan()[0]!.month));
  let roles: RunningRoles | null = null;
  let external: ExternalRoles | null = null;
  try {
    const ctx = createAppContext(services.config, { clock, logger: services.logger });
    if (reset) await clearQueuePrefix(ctx.redis, queuePrefix);
    const clockMoved = async (instant: Date) => {
      if (external) await publishReplayTime(ctx.redis, queuePrefix, instant, external.followers);
    };
    if (opts.externalRoles) {
      // The followers start at the replay's first moment (they wait for it), then confirm it once up.
      await publishReplayTime(ctx.redis, queuePrefix, clock.now(), []);
      external = await opts.externalRoles(services.config);
      await clockMoved(clock.now());
    }
    // The API serves during the replay too: the dashboard fills month by month.
    // The loggers' rows are refreshed with the month's feed (its ingest job asks for the refresh once the
    // month is in), not round by round.
    const here: ('workers' | 'api' | 'hj212')[] = external ? [] : ['workers', 'hj212'];
    roles = await startRoles(ctx, opts.serve ? [...here, 'api'] : here, { hj212Refresh: false });
    const url = roles.apiUrl ? dashboardUrl(services, opts.year) : null;
    if (url) {
      out(`仪表盘 Dashboard: ${url}（回放中即可查看 watch it fill while the year replays）`);
      out(loginLine(services));
    }
    const mailWhere = services.mail ? `${path.relative(PROJECT_ROOT, services.mail.dir)}/` : opts.smtpUrl!;
    out(`邮件 Mail → ${mailWhere}；日志 Log → ${path.relative(PROJECT_ROOT, services.logFile)}`);
    out('');
    out(progressLegend());

    const phases = new PhaseTimer();
    const ports = external ? external.hj212Ports : [roles.hj212!.address.port];
    const hj212 = { ports, tally: { packets: 0, acks: 0 } };
    const expected = await replayYear(dataset, {
      ctx,
      clock,
      clockMoved,
      delivery: { enqueue: ctx.enqueue, dropDir: services.dropDir, feed: services.feed, hj212 },
      stepTimeoutMs: opts.stepTimeoutMs,
      out,
      phases,
    });
    const summary = await collectSummary(
      ctx.db,
      ctx.queues,
      {
        seed: opts.seed,
        period: `${opts.year}-01..${addMonths(`${opts.year}-01`, opts.months - 1)}（历史 history ${opts.year - 1}）`,
        stations: dataset.stations.length,
        expected,
        mail: { count: services.mail?.caught().length ?? 0, where: mailWhere },
        reportsWhere: path.relative(PROJECT_ROOT, path.join(services.outDir, 'reports')),
        logFile: path.relative(PROJECT_ROOT, services.logFile),
        loggers: hj212.tally,
        seconds: (performance.now() - started) / 1000,
        phases: { replayMs: phases.ms, jobSeconds: await jobSecondsByName() },
      },
      clock.now(),
    );
    for (const line of summaryLines(summary)) out(line);
    await external?.stop();
    external = null;
    await roles.stop();
    roles = null;
    if (!opts.serve) {
      await services.close();
      return { summary, url: null, stop: async () => undefined };
    }
    return await serve(services, clock, summary, dashboardUrl(services, opts.year), out);
  } catch (err) {
    await external?.stop().catch(() => undefined);
    await roles?.stop().catch(() => undefined);
    await services.close();
    throw err;
  }
}

/** After the replay: envwatch as `envwatch start` runs it, on the demo database, at the replay's end. */
async function serve(
  services: DemoServices,
  clock: ManualClock,
  summary: DemoSummary,
  url: string,
  out: Out,
): Promise<DemoRun> {
  const ctx = createAppContext(services.config, { clock, logger: services.logger });
  const roles = await startRoles(ctx, ['scheduler', 'workers', 'api', 'hj212']);
  out('');
  out(`仪表盘 Dashboard: ${url}  （按 Ctrl-C 退出 press Ctrl-C to stop）`);
  out(loginLine(services));
  return {
    summary,
    url,
    async stop() {
      await roles.stop();
      await services.close();
    },
  };
}

/**
 * The overview of the replayed year: the replay ends on the 5th of January after it (when December's data
 * are in), and the dashboard would otherwise open on that new, still empty year.
 */
function dashboardUrl({ config }: DemoServices, year: number): string {
  return `http://${config.HTTP_HOST}:${config.HTTP_PORT}/?year=${year}`;
}

function loginLine({ login }: DemoServices): string {
  return `登录 Login: ${login.username} / ${login.generated ? login.password : '（INITIAL_ADMIN_PASSWORD）'}`;
}

/** Builds the dataset from the reference files and seeds the database with it (stations included). */
async function seedDataset(databaseUrl: string, opts: DemoOptions, out: Out): Promise<DemoDataset> {
  const reference = await loadReferenceSet(path.join(PROJECT_ROOT, 'config/reference'));
  const dataset = new DemoDataset(opts, worldFromReference(reference));
  const pool = createPool({ connectionString: databaseUrl, max: 2 });
  try {
    const seeded = await seedDemo(pool, { ...reference, sites: [...reference.sites, ...dataset.sites] });
    await registerDemoDevices(pool, dataset.devices);
    out(
      `种子数据 Seed: ${dataset.stations.length} 个空气站 stations（其中演示站 ${dataset.sites.length} demo）, ` +
        `${seeded.targets} 个目标 targets / ${seeded.plans} 个计划 plans, ${seeded.contacts} 个示例联系人 example contacts, ` +
        `${dataset.devices.length} 台 HJ 212 数采仪 loggers`,
    );
    if (seeded.targets === 0)
      out(
        '  注意 Note: config/targets/ 中没有目标文件，不会有目标评估与告警 (no target files: no evaluations, no alerts)',
      );
  } finally {
    await pool.end();
  }
  return dataset;
}
