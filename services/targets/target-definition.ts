/**
 * The shape of a target in config/targets/<plan>.yaml. `rule` is validated further by the rule kind's own
 * parameter schema (services/rules/*), so adding a rule kind never touches this file.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z][a-z0-9_]*$/);

export const planSchema = z.object({
  id: z.string().regex(/^[a-z]+-\d{4}$/),
  district: id,
  year: z.number().int().min(2000).max(2100),
  name_zh: z.string().min(1),
  name_en: z.string().min(1),
  document_no: z.string().optional(),
  issued_on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  source: z.string().optional(),
});

export const targetSchema = z.object({
  id: z.string().regex(/^[A-Z0-9]+(-[A-Za-z0-9]+)+$/),
  row: z.string().optional(),
  clause_zh: z.string().min(1),
  title_zh: z.string().min(1),
  title_en: z.string().min(1),
  metric: id,
  scope: z.object({
    kind: z.enum(['district', 'each_area', 'areas', 'sections']),
    ids: z.array(id).default([]),
  }),
  period: z.enum(['year', 'q1', 'quarter', 'month']),
  rule: z.object({ kind: z.string().min(1) }).catchall(z.unknown()),
  strictness: z.enum(['hard', 'soft']),
  exclude_sand_dust: z.boolean().default(false),
  deadline_zh: z.string().optional(),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  lead_officials: z.array(id).default([]),
  main_units: z.array(id).default([]),
  assist_units: z.array(id).default([]),
  source: z.string().min(1),
  enabled: z.boolean().default(true),
});

export const planFileSchema = z.object({ plan: planSchema, targets: z.array(targetSchema).min(1) });

export type PlanDefinition = z.infer<typeof planSchema>;
export type TargetDefinition = z.infer<typeof targetSchema>;
export type PlanFile = z.infer<typeof planFileSchema>;
