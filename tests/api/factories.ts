/**
 * Test data written straight into the tables the API reads (reference rows, rollups, evaluations, alerts,
 * batches, reports) — each test file gets its own database, and ids are unique within it.
 */
import type pg from 'pg';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';
import { issueToken } from '../../services/auth/accounts.js';
import { hashPassword } from '../../services/auth/password.js';
import type { Role } from '../../services/auth/principal.js';
import { insertUser } from '../../services/auth/user-queries.js';

export async function seedDistricts(pool: pg.Pool): Promise<void> {
  await pool.query(`INSERT INTO district (id, name_zh, name_en, sort_order) VALUES
    ('tongzhou', '通州区', 'Tongzhou District', 1), ('bda', '北京经济技术开发区', 'Beijing Economic-Technological Development Area', 2)
    ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from, sort_order) VALUES
    ('beiyuan', 'tongzhou', '北苑街道办事处', '北苑街道', 'Beiyuan Subdistrict', 'street', '2020-01-01', 1),
    ('zhongcang', 'tongzhou', '中仓街道办事处', '中仓街道', 'Zhongcang Subdistrict', 'street', '2020-01-01', 2),
    ('yongshun', 'tongzhou', '永顺镇', '永顺镇', 'Yongshun Town', 'town', '2020-01-01', 12),
    ('ronghua', 'bda', '荣华街道', '荣华街道', 'Ronghua Subdistrict', 'street', '2020-01-01', 1)
    ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better, decimals, plausible_min, plausible_max) VALUES
    ('pm25', '细颗粒物', 'PM2.5', 'ug/m3', '微克/立方米', 'hour', 'air', 'lower', 0, 0, 2000),
    ('dust_fall', '降尘量', 'Dust fall', 't/km2/month', '吨/平方公里·月', 'month', 'dust', 'lower', 1, 0, 100)
    ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id) VALUES
    ('st_beiyuan_1', 'air_station', '北苑示例站', 'Beiyuan station', 'tongzhou', 'beiyuan'),
    ('st_zhongcang_1', 'air_station', '中仓示例站', 'Zhongcang station', 'tongzhou', 'zhongcang'),
    ('st_yongshun_1', 'air_station', '永顺示例站', 'Yongshun station', 'tongzhou', 'yongshun')
    ON CONFLICT DO NOTHING`);
}

export interface TestUser {
  id: number;
  username: string;
  password: string;
  token: string;
}

let userSeq = 0;
/** One password for every test user, hashed once per file: scrypt is deliberately slow. */
export const TEST_PASSWORD = 'correct horse battery staple';
let testHash: Promise<string> | null = null;

export async function createUser(
  pool: pg.Pool,
  role: Role,
  opts: { areaId?: string; unitId?: string; readOnlyToken?: boolean; username?: string } = {},
): Promise<TestUser> {
  userSeq += 1;
  const username = opts.username ?? `${role}${userSeq}`;
  const password = TEST_PASSWORD;
  testHash ??= hashPassword(TEST_PASSWORD);
  const user = (await insertUser(pool, {
    username,
    displayName: `${role} ${userSeq}`,
    role,
    areaId: opts.areaId ?? null,
    unitId: opts.unitId ?? null,
    passwordHash: await testHash,
    locale: 'zh-CN',
  }))!;
  const { token } = await issueToken(pool, SYSTEM_ACTOR, {
    userId: user.id,
    name: 'test',
    readOnly: opts.readOnlyToken ?? false,
    expiresInDays: 30,
  });
  return { id: user.id, username, password, token };
}

/** A plan with one district PM2.5 target and one per-area target, as the targets engine would store them. */
export async function seedTargets(pool: pg.Pool, year = 2024): Promise<void> {
  await pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en) VALUES ($1, 'tongzhou', $2, '行动计划', 'Action plan') ON CONFLICT DO NOTHING`,
    [`tongzhou-${year}`, year],
  );
  for (const [id, scopeKind, title] of [
    [`TZ${year % 100}-AIR-01`, 'district', 'PM2.5 全年累计浓度'],
    [`TZ${year % 100}-AIR-05`, 'each_area', '各街道乡镇 PM2.5 累计浓度同比改善'],
  ] as const) {
    await pool.query(
      `INSERT INTO target (id, plan_id, clause_zh, title_zh, title_en, metric_id, scope_kind, period_kind, period_year, rule_kind,
         params, strictness, source, definition)
       VALUES ($1, $2, $3, $3, $4, 'pm25', $5, 'year', $6, 'cumulative_mean_limit', '{"max": 35}', 'hard', '002:2391', '{}')
       ON CONFLICT DO NOTHING`,
      [id, `tongzhou-${year}`, title, `${title} (en)`, scopeKind, year],
    );
  }
}

export async function seedEvaluation(
  pool: pg.Pool,
  e: {
    targetId: string;
    scopeId: string;
    periodKey: string;
    status: 'met' | 'at_risk' | 'breached' | 'insufficient_data';
    value?: number;
  },
): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO evaluation (target_id, scope_id, period_key, as_of, status, value, threshold, coverage, data_version, explanation_zh, explanation_en)
     VALUES ($1, $2, $3, '2024-06-14', $4, $5, 35, 0.9, 'provisional', $6, $7) RETURNING id`,
    [
      e.targetId,
      e.scopeId,
      e.periodKey,
      e.status,
      e.value ?? null,
      `累计均值${e.value ?? '—'}，限值35。`,
      `cumulative mean ${e.value ?? '—'}, limit 35.`,
    ],
  );
  const id = rows[0]!.id;
  await pool.query(
    `INSERT INTO evaluation_current (target_id, scope_id, period_key, evaluation_id, status, status_since)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (target_id, scope_id, period_key) DO UPDATE SET evaluation_id = $4, status = $5`,
    [e.targetId, e.scopeId, e.periodKey, id, e.status],
  );
  return id;
}

let alertSeq = 0;

export async function seedAlert(
  pool: pg.Pool,
  a: {
    scopeId: string;
    districtId?: string;
    state?: string;
    severity?: string;
    targetId?: string | null;
    title?: string;
  },
): Promise<number> {
  alertSeq += 1;
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO alert (kind, dedupe_key, target_id, scope_id, period_key, district_id, directory_year, state, severity, condition,
       title_zh, title_en, body_zh, body_en, next_escalation_at, opened_at, fired_at, updated_at)
     VALUES ('target', $1, $2, $3, '2024', $4, 2024, $5, $6, 'breached', $7, $8, '累计均值超过限值。', 'The cumulative mean is above the limit.',
             '2024-06-15T13:00:00+08', '2024-06-14T09:00:00+08', '2024-06-14T09:00:00+08', '2024-06-14T09:00:00+08')
     RETURNING id`,
    [
      `test|${alertSeq}|${a.scopeId}`,
      a.targetId ?? null,
      a.scopeId,
      a.districtId ?? 'tongzhou',
      a.state ?? 'firing',
      a.severity ?? 'critical',
      a.title ?? `【未达标】${a.scopeId} PM2.5 #${alertSeq}`,
      `[breached] ${a.scopeId} PM2.5 #${alertSeq}`,
    ],
  );
  return rows[0]!.id;
}

/** Daily scope values for every day of [from, to]: value(day index) per scope. */
export async function seedScopeDaily(
  pool: pg.Pool,
  scopeId: string,
  from: string,
  to: string,
  value: (i: number) => number,
  metric = 'pm25',
): Promise<void> {
  await pool.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     SELECT $1, $5, $2::date + (v.i - 1)::int, v.value, 1, 1, true, 0
       FROM unnest($4::float8[]) WITH ORDINALITY AS v(value, i)
      WHERE $2::date + (v.i - 1)::int <= $3::date
     ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET value = EXCLUDED.value, valid = true, n_valid_series = 1, min_version = 0`,
    [scopeId, from, to, daysValues(from, to, value), metric],
  );
}

function daysValues(from: string, to: string, value: (i: number) => number): number[] {
  const n = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  return Array.from({ length: n }, (_, i) => value(i));
}

export async function seedHeavyDays(pool: pg.Pool, scopeId: string, days: string[]): Promise<void> {
  for (const day of days) {
    await pool.query(
      `INSERT INTO scope_daily_aqi (scope_id, day, aqi, level, primary_pollutants, standard) VALUES ($1, $2, 240, 5, '{pm25}', 'HJ633-2012')
       ON CONFLICT DO NOTHING`,
      [scopeId, day],
    );
  }
}
