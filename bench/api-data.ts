/** The data bench/api.ts runs against: reference data, plans, 18 months of layer-2 rollups, evaluations, alerts. */
import path from 'node:path';
import type pg from 'pg';
import { withTransaction } from '../services/db/queryable.js';
import { loadReferenceSet } from '../services/reference/load-reference.js';
import { seedReference } from '../services/reference/seed-reference.js';
import { loadPlanFiles } from '../services/targets/load-targets.js';
import { upsertPlanFile } from '../services/targets/target-queries.js';

const ROOT = path.resolve(import.meta.dirname, '..');
export const FROM = '2023-01-01';
export const TODAY = '2024-06-15';
const METRICS = ['pm25', 'pm10', 'no2', 'so2', 'co', 'o3'];

export async function seedOverviewData(pool: pg.Pool): Promise<{ scopes: number; dailyRows: number }> {
  await seedReference(pool, await loadReferenceSet(path.join(ROOT, 'config/reference')));
  const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'));
  await withTransaction(pool, async (tx) => {
    for (const plan of plans) await upsertPlanFile(tx, plan);
  });
  const { rows: scopeRows } = await pool.query<{ id: string }>(
    `SELECT id FROM area WHERE district_id = 'tongzhou' UNION ALL SELECT 'tongzhou'`,
  );
  const scopes = scopeRows.map((r) => r.id);
  // A seasonal PM2.5 curve (winter high, summer low) with a per-scope offset and day-to-day noise.
  await pool.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT sc, m, d::date,
            greatest(3, (CASE m WHEN 'pm25' THEN 38 WHEN 'pm10' THEN 62 WHEN 'no2' THEN 30 WHEN 'so2' THEN 4 WHEN 'co' THEN 0.8 ELSE 95 END)
              * (1 + 0.45 * cos(2 * pi() * extract(doy FROM d) / 365.0)) * (0.85 + random() * 0.4 + (hashtext(sc) % 7) / 50.0)),
            4, 4, true, CASE WHEN d < '2024-01-01' THEN 1 ELSE 0 END
       FROM unnest($1::text[]) sc, unnest($2::text[]) m, generate_series($3::date, $4::date, interval '1 day') d`,
    [scopes, METRICS, FROM, TODAY],
  );
  await pool.query(
    `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, primary_pollutants, standard)
     SELECT scope_id, day, a, CASE WHEN a <= 50 THEN 1 WHEN a <= 100 THEN 2 WHEN a <= 150 THEN 3 WHEN a <= 200 THEN 4 WHEN a <= 300 THEN 5 ELSE 6 END,
            '{pm25}', 'HJ633-2012'
       FROM (SELECT scope_id, day, least(500, round(value * 1.9))::int AS a FROM scope_daily WHERE metric_id = 'pm25' AND scope_id = ANY ($1)) x`,
    [scopes],
  );
  await pool.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT scope_id, metric_id, date_trunc('month', day)::date, avg(value), count(*), count(*), true, min(min_version)
       FROM scope_daily WHERE scope_id = ANY ($1) GROUP BY 1, 2, 3`,
    [scopes],
  );
  // One current evaluation per (2024 target, scope it applies to), statuses spread over the four outcomes.
  await pool.query(
    `WITH pairs AS (
       SELECT t.id AS target_id, CASE WHEN t.scope_kind = 'district' THEN 'tongzhou' ELSE a END AS scope_id, row_number() OVER () AS n
         FROM target t JOIN plan p ON p.id = t.plan_id AND p.district_id = 'tongzhou' AND p.year = 2024
         CROSS JOIN LATERAL unnest(CASE WHEN t.scope_kind = 'district' THEN ARRAY['tongzhou'] ELSE $1::text[] END) a
     ), ev AS (
       INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, value, threshold, coverage, data_version, explanation_zh, explanation_en)
       SELECT target_id, scope_id, '2024', $2::date, (ARRAY['met', 'met', 'at_risk', 'breached', 'insufficient_data'])[1 + n % 5], 35, 35, 0.9,
              'provisional', '基准测试评估', 'bench evaluation'
         FROM pairs RETURNING id, target_id, scope_id, status
     )
     INSERT INTO evaluation_current (target_id, scope_id, period_key, evaluation_id, status, status_since)
     SELECT target_id, scope_id, '2024', id, status, now() FROM ev`,
    [scopes.filter((s) => s !== 'tongzhou'), TODAY],
  );
  await pool.query(
    `INSERT INTO alert (kind, dedupe_key, scope_id, period_key, district_id, directory_year, severity, condition, title_zh, title_en, body_zh, body_en)
     SELECT 'target', 'bench|' || sc, sc, '2024', 'tongzhou', 2024, 'critical', 'breached', '基准预警', 'bench alert', '—', '—'
       FROM unnest($1::text[]) sc`,
    [scopes.slice(0, 12)],
  );
  const { rows } = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM scope_daily`);
  await pool.query('ANALYZE');
  return { scopes: scopes.length, dailyRows: rows[0]!.n };
}
