/**
 * Reads config/tasks/<plan>.yaml and checks what can be checked without a database. Two kinds of finding:
 * - problems (the file is wrong, loading fails): schema, a file not named after its plan, duplicate task ids,
 *   a unit/official id that is not in the reference data, a target id that no target file defines, a stored
 *   deadline that is not what its wording parses to (a hand edit or a parser change not regenerated);
 * - review items (the seed is ambiguous, loading succeeds, check-tasks lists them): a name as written that
 *   resolves to no unit or official, a 完成时限 that could not be parsed, a main/assist split that was guessed.
 * extract-overrides.yaml is the extractor's input, not a plan, and is skipped.
 */
import { isDeepStrictEqual } from 'node:util';
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors.js';
import type { ReferenceSet } from '../reference/reference-schema.js';
import { readYamlFiles, yamlSyntaxProblems } from '../reference/yaml-files.js';
import { parseDeadline } from './parse-deadline.js';
import { taskFileSchema, type Task, type TaskFile } from './task-schema.js';

export const DEFAULT_TASKS_DIR = 'config/tasks';
const NOT_A_PLAN = new Set(['extract-overrides.yaml']);

export interface TaskFileSource {
  name: string;
  text: string;
}

export interface TaskFinding {
  path: string;
  reason: string;
}

export interface TaskCheckContext {
  reference?: ReferenceSet;
  /** Target ids defined by config/targets (a task's `targets` must name these). */
  targetIds?: ReadonlySet<string>;
}

export interface LoadedTasks {
  files: TaskFile[];
  review: TaskFinding[];
}

export async function loadTaskFiles(
  dir: string = DEFAULT_TASKS_DIR,
  ctx: TaskCheckContext = {},
): Promise<LoadedTasks> {
  return parseTaskFiles(await readYamlFiles(dir, NOT_A_PLAN), ctx);
}

export function parseTaskFiles(files: readonly TaskFileSource[], ctx: TaskCheckContext = {}): LoadedTasks {
  const problems: TaskFinding[] = [];
  const review: TaskFinding[] = [];
  const parsed: TaskFile[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const doc = parseDocument(file.text, { uniqueKeys: true });
    if (doc.errors.length > 0) {
      problems.push(...yamlSyntaxProblems(doc, file.name));
      continue;
    }
    const r = taskFileSchema.safeParse(doc.toJS());
    if (!r.success) {
      for (const i of r.error.issues)
        problems.push({ path: `${file.name}:${i.path.join('.')}`, reason: i.message });
      continue;
    }
    const plan = r.data;
    if (plan.plan.id !== file.name.replace(/\.ya?ml$/, ''))
      problems.push({
        path: `${file.name}:plan.id`,
        reason: `plan id "${plan.plan.id}" differs from the file name`,
      });
    for (const t of plan.tasks) {
      const other = seen.get(t.id);
      if (other !== undefined)
        problems.push({ path: `${file.name}:${t.id}`, reason: `task id also used in ${other}` });
      seen.set(t.id, file.name);
      checkTask(file.name, plan.plan.year, t, ctx, problems, review);
    }
    parsed.push(plan);
  }
  if (problems.length > 0)
    throw new ValidationError(
      `invalid task files:\n${problems.map((p) => `  - ${p.path}: ${p.reason}`).join('\n')}`,
      problems,
    );
  return { files: parsed, review };
}

function checkTask(
  file: string,
  year: number,
  t: Task,
  ctx: TaskCheckContext,
  problems: TaskFinding[],
  review: TaskFinding[],
): void {
  const at = (field: string) => `${file}:${t.id}.${field}`;
  const expected = parseDeadline(t.deadline_zh, year);
  if (!isDeepStrictEqual(expected, t.deadline))
    problems.push({
      path: at('deadline'),
      reason: `"${t.deadline_zh}" parses to ${JSON.stringify(expected)}, the file says ${JSON.stringify(t.deadline)}: regenerate with envwatch extract-tasks`,
    });
  if (
    t.deadline.kind === 'unparsed' ||
    (t.deadline.kind === 'several' && t.deadline.parts.some((p) => p.kind === 'unparsed'))
  )
    review.push({
      path: at('deadline_zh'),
      reason:
        t.deadline_zh === ''
          ? '完成时限 not stated for this row'
          : `完成时限 "${t.deadline_zh}" not understood`,
    });
  const units = new Set(ctx.reference?.units.map((u) => u.id));
  const officials = new Set(ctx.reference?.officials.map((o) => o.id));
  t.units.forEach((u, i) => {
    if (u.unit_id === null)
      review.push({
        path: at(`units[${i}]`),
        reason: `${u.label} "${u.name_zh}" resolves to no unit of the reference data`,
      });
    else if (ctx.reference && !units.has(u.unit_id))
      problems.push({ path: at(`units[${i}]`), reason: `unknown unit id "${u.unit_id}"` });
  });
  t.lead_officials.forEach((o, i) => {
    if (o.official_id === null)
      review.push({
        path: at(`lead_officials[${i}]`),
        reason: `牵头领导 "${o.name_zh}" resolves to no official`,
      });
    else if (ctx.reference && !officials.has(o.official_id))
      problems.push({ path: at(`lead_officials[${i}]`), reason: `unknown official id "${o.official_id}"` });
  });
  if (t.units.length === 0) review.push({ path: at('units'), reason: 'no responsible unit as written' });
  for (const target of t.targets)
    if (ctx.targetIds && !ctx.targetIds.has(target))
      problems.push({ path: at('targets'), reason: `unknown target id "${target}"` });
  if (t.unit_split === 'guessed')
    review.push({
      path: at('units'),
      reason: 'main/assist split guessed (the PDF lost the column edge): first unit taken as main',
    });
}
