/**
 * The shape of config/tasks/<plan>.yaml: every task row of an action plan (重点任务 with its 工作措施, 完成时限,
 * 牵头领导 and units), regenerated from the seeds by `envwatch extract-tasks` and read by `envwatch seed` and
 * `envwatch check-tasks`. Names are kept as the plan writes them beside the reference id they resolve to (null
 * when they resolve to none: check-tasks lists those), and every row cites its source lines (`002:2388-2398`,
 * line numbers of `tr -s '\n' < FILE` like the targets files).
 */
import { z } from 'zod';

export const UNIT_ROLES = ['main', 'assist'] as const;
export type UnitRole = (typeof UNIT_ROLES)[number];

/** How the split between the main and the assisting units was known (PDF extraction loses column edges). */
export const UNIT_SPLITS = ['columns', 'layout', 'guessed', 'override'] as const;

export const RECURRENCES = ['month', 'quarter', 'half_year', 'year'] as const;
export type Recurrence = (typeof RECURRENCES)[number];

const isoDate = z.iso.date();

/** One deadline as parsed from a 完成时限 wording; see parse-deadline.ts for the wordings and their reading. */
export const singleDeadlineSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('due'), due: isoDate }),
  z.strictObject({ kind: z.literal('recurring'), every: z.enum(RECURRENCES) }),
  z.strictObject({ kind: z.literal('ongoing'), from: isoDate.optional() }),
  z.strictObject({ kind: z.literal('milestone') }),
  z.strictObject({ kind: z.literal('unparsed') }),
]);
export type SingleDeadline = z.output<typeof singleDeadlineSchema>;

export const deadlineSchema = z.union([
  singleDeadlineSchema,
  z.strictObject({ kind: z.literal('several'), parts: z.array(singleDeadlineSchema).min(2) }),
]);
export type Deadline = z.output<typeof deadlineSchema>;

const nameAsWritten = z.string().min(1);

export const taskOfficialSchema = z.strictObject({
  name_zh: nameAsWritten,
  official_id: z.string().nullable(),
});

export const taskUnitSchema = z.strictObject({
  role: z.enum(UNIT_ROLES),
  /** The column label as the plan prints it: 主责单位, 协办单位, 牵头部门, 牵头单位, 责任单位, 协办部门. */
  label: z.string().min(1),
  name_zh: nameAsWritten,
  unit_id: z.string().nullable(),
});
export type TaskUnit = z.output<typeof taskUnitSchema>;

const citation = z.string().regex(/^\d{3}:\d+(-\d+)?$/, 'a citation FFF:LINE or FFF:A-B');

export const taskSchema = z.strictObject({
  id: z.string().regex(/^[A-Z0-9]+-[A-Z]+-\d{2,3}(\.\d+)?$/, 'an id like TZ24-AIR-012 or BDA20-WAT-003.2'),
  section: z.string().min(1),
  heading: z.string().nullable(),
  seq: z.string(),
  key_task_zh: z.string(),
  /** The 重点任务 cell spans several rows in the plan; the row carries the value of the merged cell. */
  key_task_merged: z.boolean().default(false),
  measures_zh: z.array(z.string().min(1)).min(1),
  deadline_zh: z.string(),
  deadline_merged: z.boolean().default(false),
  deadline: deadlineSchema,
  lead_officials: z.array(taskOfficialSchema),
  units: z.array(taskUnitSchema),
  unit_split: z.enum(UNIT_SPLITS),
  targets: z.array(z.string()).default([]),
  source: citation,
  notes: z.array(z.string()).default([]),
});
export type Task = z.output<typeof taskSchema>;

export const taskSectionSchema = z.strictObject({
  name: z.string().min(1),
  title_zh: z.string().min(1),
  source: citation,
  columns: z.array(z.string()).min(5),
  /** Rows counted in the seed independently of the extraction (see extract/verify-counts.ts). */
  rows_in_seed: z.int().min(0),
});

export const taskFileSchema = z.strictObject({
  plan: z.strictObject({
    id: z.string().regex(/^[a-z]+-\d{4}$/),
    year: z.int().min(2000).max(2100),
    name_zh: z.string().min(1),
    document_no: z.string().min(1),
    seed_file: z.string().min(1),
    source: citation,
    extracted_by: z.string().min(1),
  }),
  sections: z.array(taskSectionSchema).min(1),
  tasks: z.array(taskSchema).min(1),
});
export type TaskFile = z.output<typeof taskFileSchema>;
export type TaskFileInput = z.input<typeof taskFileSchema>;
