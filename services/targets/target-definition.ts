/**
 * The shape of a target in config/targets/<plan>.yaml. `rule` is validated further by the rule kind's own
 * parameter schema (services/rules/*), so adding a rule kind never touches this file.
 *
 * Fields added after the walking skeleton are optional (no zod default), so a PlanFile written in code by
 * an older caller still type-checks.
 */
import { z } from 'zod';
import { SECTION_KINDS } from '../reference/reference-schema.js';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** Which water sections a section-scoped target covers (sites-water.yaml section_kinds). */
export const TARGET_SECTION_KINDS = SECTION_KINDS;

/**
 * Escalation for a plan's targets or one target (issue #14, item 8); what is left out keeps the global
 * settings (ALERT_ESCALATE_AFTER_MINUTES, ALERT_ESCALATE_WARNING_AFTER_MINUTES, the target's lead officials,
 * the district leadership at the deadline). A target's block replaces its plan's key by key.
 */
const ESCALATION_KEYS = 'breach_after_minutes, at_risk_after_minutes, step1_officials, at_deadline';
export const escalationSchema = z.strictObject(
  {
    /** Minutes an unacknowledged hard breach waits before step 1. */
    breach_after_minutes: z.number().int().min(1).optional(),
    /** Minutes an unacknowledged hard at-risk warning waits before step 1; 0 = never. */
    at_risk_after_minutes: z.number().int().min(0).optional(),
    /** Who step 1 reaches (official ids), instead of the target's lead_officials. */
    step1_officials: z.array(id).min(1).optional(),
    /** Step 2 at the deadline: the district leadership (default), or nobody. */
    at_deadline: z
      .enum(['district_leadership', 'none'], {
        error: (iss) => `expected district_leadership or none, not ${JSON.stringify(iss.input)}`,
      })
      .optional(),
  },
  {
    // A misspelt key names what escalation accepts (the default says only what it refused).
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown escalation key(s) ${iss.keys.map((k) => `"${k}"`).join(', ')}: expected ${ESCALATION_KEYS}`
        : undefined,
  },
);
export type EscalationDefinition = z.infer<typeof escalationSchema>;

export const planSchema = z.strictObject({
  id: z.string().regex(/^[a-z]+-\d{4}$/),
  district: id,
  year: z.number().int().min(2000).max(2100),
  name_zh: z.string().min(1),
  name_en: z.string().min(1),
  document_no: z.string().optional(),
  issued_on: day.optional(),
  source: z.string().optional(),
  /** The escalation chain for every target of the plan (a target's own block takes precedence). */
  escalation: escalationSchema.optional(),
});

export const scopeSchema = z.strictObject({
  /**
   * district: the plan's district itself (全区). each_area: every street/town of the district valid in the
   * period (各街道乡镇), or only `ids` when listed. areas / sections: exactly the listed ids.
   * each_section: the district's water sections of `section_kinds` (with a target class for the year when
   * the rule takes the class from site_water_target).
   */
  kind: z.enum(['district', 'each_area', 'areas', 'sections', 'each_section']),
  ids: z.array(id).default([]),
  section_kinds: z.array(z.enum(TARGET_SECTION_KINDS)).optional(),
  /** each_section only: keep the sections that have a target class for the year (site_water_target). */
  with_water_target: z.boolean().optional(),
});

// Strict objects: a misspelt key (exclude_sand_dst) must fail, not be dropped silently.
export const targetSchema = z.strictObject({
  id: z.string().regex(/^[A-Z0-9]+(-[A-Za-z0-9]+)+$/),
  /** 序号 as printed, with the table it belongs to (蓝天 1, 碧水 2). */
  row: z.string().optional(),
  /** The clause as the plan writes it (the part this target checks). */
  clause_zh: z.string().min(1),
  title_zh: z.string().min(1),
  title_en: z.string().min(1),
  metric: id,
  scope: scopeSchema,
  period: z.enum(['year', 'q1', 'quarter', 'month']),
  /** The year the target is for when it is not the plan's year (2024 row 45: 玉带河 Ⅲ类 in 2025). */
  year: z.number().int().min(2000).max(2100).optional(),
  rule: z.object({ kind: z.string().min(1) }).catchall(z.unknown()),
  strictness: z.enum(['hard', 'soft']),
  exclude_sand_dust: z.boolean().default(false),
  deadline_zh: z.string().optional(),
  deadline: day.optional(),
  lead_officials: z.array(id).default([]),
  main_units: z.array(id).default([]),
  assist_units: z.array(id).default([]),
  source: z.string().min(1),
  /** This target's escalation chain, over its plan's and the global settings. */
  escalation: escalationSchema.optional(),
  /** Why this reading of the clause was chosen (docs/decisions.md), shown to reviewers of the YAML. */
  note: z.string().optional(),
  enabled: z.boolean().default(true),
});

// No target is allowed: a plan tracked for its duties only (the 2022 分工方案, config/tasks/tongzhou-2022.yaml)
// has nothing a measurement decides, but its tasks need the plan row.
export const planFileSchema = z.strictObject({ plan: planSchema, targets: z.array(targetSchema) });

export type PlanDefinition = z.infer<typeof planSchema>;
export type TargetDefinition = z.infer<typeof targetSchema>;
export type PlanFile = z.infer<typeof planFileSchema>;
export type PlanFileInput = z.input<typeof planFileSchema>;

/** The year a target's periods fall in. */
export function targetYear(
  plan: Pick<PlanDefinition, 'year'>,
  target: Pick<TargetDefinition, 'year'>,
): number {
  return target.year ?? plan.year;
}
