/**
 * Factories for the alert tests: a small directory (a district, streets/towns, units including the
 * collective 各街道乡镇, the heavy-pollution command and the leadership, officials, contacts valid by year),
 * targets loaded with the targets engine's own loader, and evaluations stored the way the targets engine
 * stores them (storeEvaluations + an outbox `sync-alert` per transition, in one transaction).
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../../services/db/queryable.js';
import { writeOutbox } from '../../services/outbox/outbox.js';
import { syncAlertOutbox } from '../../services/outbox/messages.js';
import type { EvaluationStatus } from '../../services/rules/rule-kind.js';
import { isTransition, storeEvaluations } from '../../services/targets/evaluation-queries.js';
import type { TargetDefinition } from '../../services/targets/target-definition.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';

export const PHONE = {
  eeb: '+8613800000101',
  beiyuan: '+8613800000102',
  luyi: '+8613800000103',
  yongshun: '+8613800000104',
  yao: '+8613800000105',
  ni: '+8613800000106',
  leadership: '+8613800000107',
  waterEngineer: '+8613800000108',
} as const;

/** The 11-digit form the gateway receives. */
export const local = (phone: string) => phone.replace(/^\+86/, '');

export async function seedDirectory(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO district (id, name_zh, name_en) VALUES ('tongzhou', '通州区', 'Tongzhou District')`,
  );
  await db.query(
    `INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from, sort_order) VALUES
       ('beiyuan', 'tongzhou', '北苑街道办事处', '北苑街道', 'Beiyuan Subdistrict', 'street', '2020-01-01', 1),
       ('luyi', 'tongzhou', '潞邑街道办事处', '潞邑街道', 'Luyi Subdistrict', 'street', '2021-01-01', 2),
       ('yongshun', 'tongzhou', '永顺镇', '永顺镇', 'Yongshun Town', 'town', '2020-01-01', 3)`,
  );
  await db.query(
    `INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better)
     VALUES ('pm25', '细颗粒物（PM2.5）', 'PM2.5', 'µg/m³', '微克/立方米', 'hour', 'air', 'lower')`,
  );
  await db.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id, area_id, expands_to, members) VALUES
       ('eeb', '区生态环境局', 'EEB', 'department', 'tongzhou', NULL, NULL, '{}'),
       ('water_bureau', '区水务局', 'Water Bureau', 'department', 'tongzhou', NULL, NULL, '{}'),
       ('gov_beiyuan', '北苑街道办事处', 'Beiyuan Office', 'area', 'tongzhou', 'beiyuan', NULL, '{}'),
       ('gov_luyi', '潞邑街道办事处', 'Luyi Office', 'area', 'tongzhou', 'luyi', NULL, '{}'),
       ('gov_yongshun', '永顺镇政府', 'Yongshun Government', 'area', 'tongzhou', 'yongshun', NULL, '{}'),
       ('streets_towns', '各街道乡镇', 'Every street and town', 'collective', 'tongzhou', NULL, 'area_of_scope', '{}'),
       ('relevant_departments', '各相关部门', 'Departments concerned', 'collective', 'tongzhou', NULL, NULL, '{}'),
       ('hp_command', '区空气重污染应急指挥部成员单位', 'Heavy pollution command', 'command', 'tongzhou', NULL, 'members', '{eeb,water_bureau}'),
       ('district_leadership', '区政府班子成员', 'District leadership', 'leadership', 'tongzhou', NULL, NULL, '{}')`,
  );
  await db.query(
    `INSERT INTO official (id, name_zh, name_en, years) VALUES
       ('yao_weilong', '姚伟龙', 'Yao Weilong', '{2024}'), ('ni_decai', '倪德才', 'Ni Decai', '{2020,2021}')`,
  );
  await db.query(
    `INSERT INTO contact (id, name_zh, unit_id, official_id, role, email, mobile, locale, quiet_from, quiet_to, year_from, year_to, is_district_leadership) VALUES
       ('eeb.duty', '生态环境局值班室', 'eeb', NULL, '值班室', 'eeb.duty@example.gov.cn', $1, 'zh-CN', '22:00', '07:00', 2020, NULL, false),
       ('eeb.liaison', 'EEB liaison', 'eeb', NULL, 'liaison', 'eeb.liaison@example.gov.cn', NULL, 'en', NULL, NULL, 2024, NULL, false),
       ('gov_beiyuan.liaison', '北苑街道联络员', 'gov_beiyuan', NULL, '环保联络员', 'beiyuan@example.gov.cn', $2, 'zh-CN', '22:00', '07:00', 2020, NULL, false),
       ('gov_luyi.liaison', '潞邑街道联络员', 'gov_luyi', NULL, '环保联络员', 'luyi@example.gov.cn', $3, 'zh-CN', NULL, NULL, 2021, NULL, false),
       ('gov_yongshun.liaison', '永顺镇联络员', 'gov_yongshun', NULL, '环保联络员', 'yongshun@example.gov.cn', $4, 'zh-CN', NULL, NULL, 2020, NULL, false),
       ('water.duty', '水务局值班室', 'water_bureau', NULL, '值班室', 'water.duty@example.gov.cn', NULL, 'zh-CN', NULL, NULL, 2020, NULL, false),
       ('water.engineer', '水务局工程师', 'water_bureau', NULL, '工程师', 'water.engineer@example.gov.cn', $8, 'zh-CN', NULL, NULL, 2020, NULL, false),
       ('official.yao', '姚伟龙', NULL, 'yao_weilong', '牵头领导', 'yao@example.gov.cn', $5, 'zh-CN', '22:00', '07:00', 2024, NULL, false),
       ('official.ni', '倪德才', NULL, 'ni_decai', '牵头领导', 'ni@example.gov.cn', $6, 'zh-CN', NULL, NULL, 2020, 2021, false),
       ('leadership.duty', '区政府总值班室', 'district_leadership', NULL, '总值班室', 'duty@example.gov.cn', $7, 'zh-CN', NULL, NULL, 2020, NULL, true)`,
    [
      PHONE.eeb,
      PHONE.beiyuan,
      PHONE.luyi,
      PHONE.yongshun,
      PHONE.yao,
      PHONE.ni,
      PHONE.leadership,
      PHONE.waterEngineer,
    ],
  );
}

export type TargetSpec = Partial<TargetDefinition> & { id: string; year?: number };

/** A target through the targets engine's loader (one plan per target keeps them independent). */
export async function insertTarget(db: Queryable, spec: TargetSpec): Promise<void> {
  const { year: planYear = 2024, ...t } = spec;
  await upsertPlanFile(db, {
    // Plan ids are letters and a year: the target id's digits become letters (T-FLOW-01 → ttflowab-2024).
    plan: {
      id: `t${spec.id
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .replace(/\d/g, (d) => 'abcdefghij'[Number(d)]!)}-${planYear}`,
      district: 'tongzhou',
      year: planYear,
      name_zh: '测试计划',
      name_en: 'Test plan',
    },
    targets: [
      {
        clause_zh: '各街道乡镇PM2.5累计浓度达到35微克/立方米。',
        title_zh: 'PM2.5累计浓度不高于35微克/立方米',
        title_en: 'Cumulative PM2.5 at most 35 µg/m³',
        metric: 'pm25',
        scope: { kind: 'each_area', ids: [] },
        period: 'year',
        rule: { kind: 'cumulative_mean_limit', max: 35 },
        strictness: 'hard',
        exclude_sand_dust: false,
        deadline: `${planYear}-12-31`,
        lead_officials: ['yao_weilong'],
        main_units: ['streets_towns'],
        assist_units: ['water_bureau'],
        source: '002:2399',
        enabled: true,
        ...t,
      },
    ],
  });
}

export interface EvaluationSpec {
  targetId: string;
  scopeId: string;
  periodKey: string;
  status: EvaluationStatus;
  asOf: string;
  value?: number;
  final?: boolean;
}

/** As the targets engine does it: the evaluation and, on a transition, the outbox message, in one transaction. */
export async function recordTestEvaluation(
  pool: pg.Pool,
  e: EvaluationSpec,
): Promise<{ evaluationId: number | null; transition: boolean }> {
  return withTransaction(pool, async (tx) => {
    const value = e.value ?? 40;
    const [stored] = await storeEvaluations(tx, [
      {
        targetId: e.targetId,
        scopeId: e.scopeId,
        periodKey: e.periodKey,
        result: {
          asOf: e.asOf,
          status: e.status,
          final: e.final ?? false,
          value,
          threshold: 35,
          coverage: 1,
          dataVersion: 'provisional',
          explanationZh: `累计均值 ${value.toFixed(1)} 微克/立方米，限值 35。`,
          explanationEn: `Cumulative mean ${value.toFixed(1)} µg/m³, limit 35.`,
          details: {},
        },
      },
    ]);
    if (!stored) return { evaluationId: null, transition: false };
    const transition = isTransition(stored);
    if (transition) {
      await writeOutbox(tx, [syncAlertOutbox(stored.evaluationId)]);
    }
    return { evaluationId: stored.evaluationId, transition };
  });
}

export async function count(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number }>(sql, params);
  return rows[0]!.n;
}
