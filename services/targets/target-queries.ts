/** Plans and targets: one named function per statement. */
import type { Queryable } from '../db/queryable.js';
import type { LoadedTarget } from '../rules/rule-kind.js';
import { checkRules, targetsError } from './load-targets.js';
import {
  planFileSchema,
  targetSchema,
  targetYear,
  type PlanFile,
  type PlanFileInput,
} from './target-definition.js';
import { checkTargetReferences, loadKnownIds } from './target-references.js';

const PERIOD_KIND = { year: 'year', q1: 'quarter', quarter: 'quarter', month: 'month' } as const;

/**
 * Stores a plan and its targets, after checking them against the reference rows already in the database
 * (seed loads those first): an unknown unit, official, metric, area or section fails the whole plan, with
 * every problem listed. Targets the file no longer holds are disabled, not deleted — their evaluations and
 * alerts stay readable. Unchanged targets are not rewritten, so a second seed changes nothing.
 */
export async function upsertPlanFile(db: Queryable, input: PlanFile | PlanFileInput): Promise<number> {
  const file = planFileSchema.parse(input);
  const name = `${file.plan.id}.yaml`;
  const problems = [
    ...checkRules(name, file),
    ...checkTargetReferences([{ name, plan: file }], await loadKnownIds(db)),
  ];
  if (problems.length > 0) throw targetsError(problems);
  const p = file.plan;
  await db.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en, document_no, issued_on, source)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET district_id = $2, year = $3, name_zh = $4, name_en = $5,
       document_no = $6, issued_on = $7, source = $8`,
    [
      p.id,
      p.district,
      p.year,
      p.name_zh,
      p.name_en,
      p.document_no ?? null,
      p.issued_on ?? null,
      p.source ?? null,
    ],
  );
  const t = file.targets;
  await db.query(
    `INSERT INTO target (id, plan_id, row_no, clause_zh, title_zh, title_en, metric_id, scope_kind, scope_ids,
       period_kind, period_year, rule_kind, params, strictness, exclude_sand_dust, deadline_zh, deadline,
       lead_official_ids, main_unit_ids, assist_unit_ids, source, enabled, definition)
     SELECT r.id, $1, r.row_no, r.clause_zh, r.title_zh, r.title_en, r.metric_id, r.scope_kind, r.scope_ids,
            r.period_kind, r.period_year, r.rule_kind, r.params, r.strictness, r.exclude_sand_dust, r.deadline_zh,
            r.deadline, r.lead_official_ids, r.main_unit_ids, r.assist_unit_ids, r.source, r.enabled, r.definition
       FROM jsonb_to_recordset($2::jsonb) AS r(id text, row_no text, clause_zh text, title_zh text, title_en text,
            metric_id text, scope_kind text, scope_ids text[], period_kind text, period_year int, rule_kind text,
            params jsonb, strictness text, exclude_sand_dust boolean, deadline_zh text, deadline date,
            lead_official_ids text[], main_unit_ids text[], assist_unit_ids text[], source text, enabled boolean,
            definition jsonb)
     ON CONFLICT (id) DO UPDATE SET plan_id = EXCLUDED.plan_id, row_no = EXCLUDED.row_no, clause_zh = EXCLUDED.clause_zh,
       title_zh = EXCLUDED.title_zh, title_en = EXCLUDED.title_en, metric_id = EXCLUDED.metric_id,
       scope_kind = EXCLUDED.scope_kind, scope_ids = EXCLUDED.scope_ids, period_kind = EXCLUDED.period_kind,
       period_year = EXCLUDED.period_year, rule_kind = EXCLUDED.rule_kind, params = EXCLUDED.params,
       strictness = EXCLUDED.strictness, exclude_sand_dust = EXCLUDED.exclude_sand_dust, deadline_zh = EXCLUDED.deadline_zh,
       deadline = EXCLUDED.deadline, lead_official_ids = EXCLUDED.lead_official_ids, main_unit_ids = EXCLUDED.main_unit_ids,
       assist_unit_ids = EXCLUDED.assist_unit_ids, source = EXCLUDED.source, enabled = EXCLUDED.enabled,
       definition = EXCLUDED.definition, loaded_at = now()
     WHERE (target.definition, target.enabled, target.plan_id) IS DISTINCT FROM (EXCLUDED.definition, EXCLUDED.enabled, EXCLUDED.plan_id)`,
    [
      p.id,
      JSON.stringify(
        t.map((x) => {
          const { kind, ...params } = x.rule;
          return {
            id: x.id,
            row_no: x.row ?? null,
            clause_zh: x.clause_zh,
            title_zh: x.title_zh,
            title_en: x.title_en,
            metric_id: x.metric,
            scope_kind: x.scope.kind,
            scope_ids: x.scope.ids,
            period_kind: PERIOD_KIND[x.period],
            period_year: targetYear(p, x),
            rule_kind: kind,
            params,
            strictness: x.strictness,
            exclude_sand_dust: x.exclude_sand_dust,
            deadline_zh: x.deadline_zh ?? null,
            deadline: x.deadline ?? null,
            lead_official_ids: x.lead_officials,
            main_unit_ids: x.main_units,
            assist_unit_ids: x.assist_units,
            source: x.source,
            enabled: x.enabled,
            // The plan's escalation chain under the target's own (key by key): alerts read it from here.
            definition:
              p.escalation || x.escalation ? { ...x, escalation: { ...p.escalation, ...x.escalation } } : x,
          };
        }),
      ),
    ],
  );
  await db.query(`UPDATE target SET enabled = false WHERE plan_id = $1 AND enabled AND NOT (id = ANY ($2))`, [
    p.id,
    t.map((x) => x.id),
  ]);
  return t.length;
}

/** Every enabled target with what the engine needs to run it. */
export async function listEnabledTargets(db: Queryable): Promise<LoadedTarget[]> {
  const { rows } = await db.query<{
    id: string;
    plan_id: string;
    district_id: string;
    period_year: number;
    definition: unknown;
    metric_id: string;
    name_zh: string;
    name_en: string;
    unit: string;
    unit_zh: string;
    decimals: number;
  }>(
    `SELECT t.id, t.plan_id, p.district_id, t.period_year, t.definition,
            m.id AS metric_id, m.name_zh, m.name_en, m.unit, m.unit_zh, m.decimals
       FROM target t JOIN plan p ON p.id = t.plan_id JOIN metric m ON m.id = t.metric_id
      WHERE t.enabled ORDER BY t.id`,
  );
  return rows.map((r) => ({
    id: r.id,
    planId: r.plan_id,
    district: r.district_id,
    year: r.period_year,
    definition: targetSchema.parse(r.definition),
    metric: {
      id: r.metric_id,
      nameZh: r.name_zh,
      nameEn: r.name_en,
      unit: r.unit,
      unitZh: r.unit_zh,
      decimals: r.decimals,
    },
  }));
}
