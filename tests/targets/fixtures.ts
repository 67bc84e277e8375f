/**
 * Test factory for the targets engine. Reference data comes from the real loader (config/reference). Inputs
 * are written at layer 2 — scope_daily, scope_monthly, scope_daily_aqi, city_ranking, water_section_class —
 * the tables the rules read, so a test states the daily or monthly values its hand computation uses.
 * The store path (measurements → rollups → evaluation queue) is exercised in evaluate-pending.test.ts.
 */
import path from 'node:path';
import type { Queryable } from '../../services/db/queryable.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { seedReference } from '../../services/reference/seed-reference.js';
import {
  ensurePartitionsFor,
  timeRangeOf,
  upsertMeasurements,
  type MeasurementRow,
} from '../../services/store/measurement-queries.js';
import { sweepTargets } from '../../services/targets/evaluate-pending.js';
import type { PlanFileInput } from '../../services/targets/target-definition.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { listCurrentStatus, type CurrentStatusRow } from '../../services/targets/targets-status-queries.js';
import {
  ManualClock,
  addDays,
  addMonths,
  enumerateDays,
  shanghaiInstant,
} from '../../services/time/shanghai.js';
import type pg from 'pg';
import { beforeAll, beforeEach } from 'vitest';
import { useTestDatabase, type TestDatabase } from '../helpers/test-db.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export async function seedRealReference(pool: pg.Pool): Promise<void> {
  await seedReference(pool, await loadReferenceSet(path.join(ROOT, 'config/reference')));
}

/** Empties every input and output table between tests of one file (reference rows stay). */
/** A database of the file's own with the real reference data, and no target data left from the test before. */
export function useRuleDatabase(): TestDatabase {
  const db = useTestDatabase();
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });
  beforeEach(async () => {
    await resetData(db.pool);
  });
  return db;
}

export async function resetData(db: Queryable): Promise<void> {
  await db.query(
    `TRUNCATE scope_daily, scope_monthly, scope_daily_aqi, sand_dust_period, measurement, measurement_revision,
       rollup_queue, evaluation_queue, city_ranking, water_section_class, evaluation_current, evaluation, outbox,
       target, plan CASCADE`,
  );
}

type TargetInput = PlanFileInput['targets'][number];

/** A target with test defaults: district PM2.5, year period, hard, 区生态环境局. */
export function target(t: Partial<TargetInput> & Pick<TargetInput, 'id' | 'rule'>): TargetInput {
  return {
    clause_zh: '测试条款',
    title_zh: '测试目标',
    title_en: 'Test target',
    metric: 'pm25',
    scope: { kind: 'district' },
    period: 'year',
    strictness: 'hard',
    main_units: ['eeb'],
    source: 'test',
    ...t,
  };
}

/** Stores the target in plan test-<year> and evaluates it as of `today` (Shanghai noon); returns its statuses. */
export async function evaluateAsOf(
  pool: pg.Pool,
  t: TargetInput,
  today: string,
  opts: { year?: number; district?: string } = {},
): Promise<CurrentStatusRow[]> {
  const year = opts.year ?? Number(today.slice(0, 4));
  await upsertPlanFile(pool, {
    plan: {
      id: `test-${year}`,
      district: opts.district ?? 'tongzhou',
      year,
      name_zh: '测试计划',
      name_en: 'Test plan',
    },
    targets: [t],
  });
  await sweepTargets(pool, { clock: new ManualClock(shanghaiInstant(today, 12)), targetIds: [t.id], year });
  return listCurrentStatus(pool, { targetIds: [t.id] });
}

export interface DayValue {
  day: string;
  value: number | null;
  version?: 0 | 1;
}

/** `value(day)` for every day from `from` to `to`; null makes an invalid day (a row without a valid mean). */
/** Daily PM2.5 of one scope as layer-2 rollups: `pm25Days(pool, 'beiyuan', from, to, (day, i) => value)`. */
export function pm25Days(pool: pg.Pool, scopeId: string, ...range: Parameters<typeof days>): Promise<void> {
  return insertScopeDaily(pool, scopeId, 'pm25', days(...range));
}

export function days(from: string, to: string, value: (day: string, i: number) => number | null): DayValue[] {
  return enumerateDays(from, to).map((day, i) => ({ day, value: value(day, i) }));
}

export async function insertScopeDaily(
  db: Queryable,
  scopeId: string,
  metricId: string,
  rows: readonly DayValue[],
): Promise<void> {
  await db.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT $1, $2, d, v, 1, CASE WHEN v IS NULL THEN 0 ELSE 1 END, v IS NOT NULL, ver
       FROM unnest($3::date[], $4::float8[], $5::smallint[]) AS t(d, v, ver)
     ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET value = EXCLUDED.value, valid = EXCLUDED.valid,
       n_valid_series = EXCLUDED.n_valid_series, min_version = EXCLUDED.min_version`,
    [scopeId, metricId, rows.map((r) => r.day), rows.map((r) => r.value), rows.map((r) => r.version ?? 0)],
  );
}

export interface MonthValue {
  month: string;
  value: number | null;
  version?: 0 | 1;
}

export async function insertScopeMonthly(
  db: Queryable,
  scopeId: string,
  metricId: string,
  rows: readonly MonthValue[],
): Promise<void> {
  await db.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT $1, $2, (m || '-01')::date, v, 1, CASE WHEN v IS NULL THEN 0 ELSE 1 END, v IS NOT NULL, ver
       FROM unnest($3::text[], $4::float8[], $5::smallint[]) AS t(m, v, ver)`,
    [scopeId, metricId, rows.map((r) => r.month), rows.map((r) => r.value), rows.map((r) => r.version ?? 0)],
  );
}

/** Twelve months starting at `first` (YYYY-MM) with `value(month, i)`. */
export function months(
  first: string,
  n: number,
  value: (month: string, i: number) => number | null,
): MonthValue[] {
  return Array.from({ length: n }, (_, i) => {
    const month = addMonths(first, i);
    return { month, value: value(month, i) };
  });
}

export async function insertAqi(
  db: Queryable,
  scopeId: string,
  rows: readonly { day: string; aqi: number }[],
): Promise<void> {
  await db.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, primary_pollutants, standard)
     SELECT $1, d, a, CASE WHEN a <= 50 THEN 1 WHEN a <= 100 THEN 2 WHEN a <= 150 THEN 3 WHEN a <= 200 THEN 4
                           WHEN a <= 300 THEN 5 ELSE 6 END, '{pm25}', 'HJ633-2012'
       FROM unnest($2::date[], $3::int[]) AS t(d, a)`,
    [scopeId, rows.map((r) => r.day), rows.map((r) => r.aqi)],
  );
}

/** A sand-dust period covering whole Shanghai days [from, to]; district/area null = wider scope. */
export async function insertSandDust(
  db: Queryable,
  p: { from: string; to: string; districtId?: string | null; areaId?: string | null },
): Promise<void> {
  await db.query(
    `INSERT INTO sand_dust_period (starts_at, ends_at, district_id, area_id, source) VALUES ($1, $2, $3, $4, 'test')`,
    [shanghaiInstant(p.from), shanghaiInstant(addDays(p.to, 1)), p.districtId ?? null, p.areaId ?? null],
  );
}

/** A published monthly city-wide ranking row (migration 0010's city_ranking). */
export async function insertCityRanks(
  db: Queryable,
  metricId: string,
  areaId: string,
  rows: readonly { month: string; rank: number; nRanked: number }[],
): Promise<void> {
  await db.query(
    `INSERT INTO city_ranking (metric_id, period_kind, period_start, period_end, unit_key, unit_name, area_id, rank,
       n_ranked, source_id)
     SELECT $1, 'month', (m || '-01')::date, ((m || '-01')::date + INTERVAL '1 month - 1 day')::date, $2, $2, $2, r, n, 'test'
       FROM unnest($3::text[], $4::int[], $5::int[]) AS t(m, r, n)`,
    [metricId, areaId, rows.map((r) => r.month), rows.map((r) => r.rank), rows.map((r) => r.nRanked)],
  );
}

/** A month of a water section: its class and the monthly mean of each parameter. */
export async function insertWaterMonth(
  db: Queryable,
  siteId: string,
  month: string,
  waterClass: number,
  values: Record<string, number>,
): Promise<void> {
  await db.query(
    `INSERT INTO water_section_class (site_id, period_kind, period_start, month, water_class, deciding_parameters,
       parameter_classes, parameter_values, n_samples, min_version)
     VALUES ($1, 'month', ($2 || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai', ($2 || '-01')::date, $3, '{}', '{}', $4, 1, 0)`,
    [siteId, month, waterClass, JSON.stringify(values)],
  );
}

/** Measurements through the real store (partitions first, as the ingest path does). */
export async function writeMeasurements(db: Queryable, rows: readonly MeasurementRow[]): Promise<void> {
  const range = timeRangeOf(rows);
  if (range) await ensurePartitionsFor(db, range.min, range.max);
  await upsertMeasurements(db, rows, { sourceId: 'test', batchId: null });
}

export function only<T>(rows: readonly T[]): T {
  if (rows.length !== 1) throw new Error(`expected one row, got ${rows.length}`);
  return rows[0]!;
}
