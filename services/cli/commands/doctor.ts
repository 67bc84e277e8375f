/**
 * `envwatch doctor`: what this installation runs on — storage mode, PostgreSQL/TimescaleDB/Redis versions,
 * schema state, the report renderer and its font — and warnings an operator must act on (Redis eviction
 * policy, pending migrations, a working-day calendar that ends before the year does, responsible people
 * nobody can reach this year).
 */
import path from 'node:path';
import type { Config } from '../../../config/env.js';
import { createPool } from '../../db/pool.js';
import type { Queryable } from '../../db/queryable.js';
import { readSchemaStatus } from '../../migrate/migrator.js';
import { readRendererStatus, type RendererStatus } from '../../reports/render/renderer-status.js';
import { createRedis, readRedisInfo } from '../../runtime/redis.js';
import { readStorageMode, readTimescaleVersion } from '../../store/storage-mode.js';
import { coverageGaps, describeGap, type CoverageGap } from '../../alerts/contact-coverage.js';
import { toShanghaiDay } from '../../time/shanghai.js';
import { calendarCoverageWarning, loadWorkingCalendar } from '../../time/working-days.js';
import { checkPostgres, checkRedis } from '../dependency-check.js';
import { PROJECT_ROOT } from '../../../config/paths.js';
import type { CommandRun } from '../command.js';

export interface DoctorReport {
  postgresVersion: string;
  timescaledbVersion: string | null;
  timescaledbAvailable: boolean;
  storageMode: string | null;
  schema: { applied: number; pending: string[]; latest: string | null };
  redisVersion: string;
  redisMaxmemoryPolicy: string;
  reports: RendererStatus;
  /** Responsible units, officials and collective bodies nobody can reach this year (issue #14). */
  contactGaps: CoverageGap[];
  warnings: string[];
}

export async function collectDoctorReport(config: Config): Promise<DoctorReport> {
  await checkPostgres(config);
  await checkRedis(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 1 });
  const redis = createRedis(config.REDIS_URL);
  const warnings: string[] = [];
  try {
    const { rows } = await pool.query<{ v: string; available: boolean; preloaded: boolean }>(
      `SELECT current_setting('server_version') AS v,
              EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') AS available,
              coalesce(current_setting('shared_preload_libraries', true), '') ~ 'timescaledb' AS preloaded`,
    );
    const schema = await readSchemaStatus(pool, path.join(PROJECT_ROOT, 'migrations'));
    const storageMode = schema.applied > 0 ? await readStorageMode(pool).catch(() => null) : null;
    const tsVersion = await readTimescaleVersion(pool);
    if (schema.pending.length > 0)
      warnings.push(`${schema.pending.length} migration(s) pending: run \`envwatch migrate\``);
    const redisInfo = await readRedisInfo(redis);
    if (redisInfo.maxmemoryPolicy !== 'noeviction') {
      warnings.push(
        `Redis maxmemory-policy is "${redisInfo.maxmemoryPolicy}": BullMQ needs "noeviction", or Redis may evict queued jobs under memory pressure (CONFIG SET maxmemory-policy noeviction)`,
      );
    }
    if (rows[0]?.preloaded && storageMode === 'plain') {
      warnings.push(
        'TimescaleDB is preloaded on this server but this database uses plain partitions (chosen at its first migration)',
      );
    }
    if (storageMode === 'timescale') warnings.push(...(await timescaleJobWarnings(pool)));
    const reports = await readRendererStatus({
      engine: config.REPORT_PDF_ENGINE,
      chromiumPath: config.CHROMIUM_PATH,
    });
    warnings.push(...reports.warnings);
    const calendarWarning = calendarCoverageWarning(
      loadWorkingCalendar(config.WORKING_CALENDAR_FILE),
      new Date(),
    );
    if (calendarWarning) warnings.push(calendarWarning);
    const year = Number(toShanghaiDay(new Date()).slice(0, 4));
    const contactGaps =
      schema.pending.length === 0 && schema.applied > 0 ? await coverageGaps(pool, year) : [];
    if (contactGaps.length > 0)
      warnings.push(
        `${contactGaps.length} responsible unit(s)/official(s) have no reachable contact for ${year} (listed below)`,
      );
    return {
      postgresVersion: rows[0]?.v ?? 'unknown',
      timescaledbVersion: tsVersion,
      timescaledbAvailable: rows[0]?.available ?? false,
      storageMode,
      schema,
      redisVersion: redisInfo.version,
      redisMaxmemoryPolicy: redisInfo.maxmemoryPolicy,
      reports,
      contactGaps,
      warnings,
    };
  } finally {
    await pool.end();
    redis.disconnect();
  }
}

/** Background policies (compression, refresh, retention) that failed their last run need an operator. */
async function timescaleJobWarnings(pool: Queryable): Promise<string[]> {
  const { rows } = await pool.query<{
    job_id: number;
    proc: string;
    hypertable: string | null;
    err: string | null;
  }>(
    `SELECT s.job_id, j.proc_name AS proc, s.hypertable_name AS hypertable,
            (SELECT e.err_message FROM timescaledb_information.job_errors e
              WHERE e.job_id = s.job_id ORDER BY e.finish_time DESC LIMIT 1) AS err
       FROM timescaledb_information.job_stats s JOIN timescaledb_information.jobs j ON j.job_id = s.job_id
      WHERE s.last_run_status = 'Failed'`,
  );
  return rows.map(
    (r) =>
      `TimescaleDB job ${r.job_id} (${r.proc}${r.hypertable ? ` on ${r.hypertable}` : ''}) failed its last run${r.err ? `: ${r.err}` : ''}`,
  );
}

export async function runDoctor(config: Config, out: (line: string) => void): Promise<DoctorReport> {
  const r = await collectDoctorReport(config);
  out(
    `storage mode        ${r.storageMode ?? '(not migrated yet)'}${r.storageMode === 'timescale' ? ' (hypertable, continuous aggregates, compression)' : r.storageMode === 'plain' ? ' (monthly partitions, service-maintained rollups)' : ''}`,
  );
  out(`PostgreSQL          ${r.postgresVersion}`);
  out(
    `TimescaleDB         ${r.timescaledbVersion ?? (r.timescaledbAvailable ? 'available, not enabled' : 'not installed')}`,
  );
  out(
    `schema              ${r.schema.applied} applied, ${r.schema.pending.length} pending (latest: ${r.schema.latest ?? '-'})`,
  );
  out(`Redis               ${r.redisVersion}, maxmemory-policy ${r.redisMaxmemoryPolicy}`);
  const engine =
    r.reports.pdfEngine === 'pdfkit'
      ? 'pdfkit (pure JavaScript, no browser needed)'
      : `chromium at ${r.reports.chromium?.path ?? '?'}${r.reports.chromium?.found ? '' : ' (NOT FOUND)'}`;
  out(`report PDF engine   ${engine}; HTML, XLSX, CSV and e-mail charts need no browser`);
  out(`report font         ${r.reports.font} — ${r.reports.fontFile}`);
  for (const w of r.warnings) out(`WARNING             ${w}`);
  const year = Number(toShanghaiDay(new Date()).slice(0, 4));
  for (const g of r.contactGaps) out(`NO CONTACT          ${describeGap(g, year)}`);
  if (r.warnings.length === 0) out('no warnings');
  return r;
}

export const run: CommandRun = async ({ config, out }) => {
  await runDoctor(config, out);
  return 0;
};
