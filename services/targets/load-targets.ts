/**
 * Reads config/targets/*.yaml (one file per plan, named after the plan id) and validates everything that can
 * be checked without a database: the file schema, each rule's own parameters and period kinds, unique target
 * ids across plans, and that the strictness agrees with the clause's modal words (确保/不超过/控制在/不进入/不高于
 * are hard; 力争/左右/基本 make a clause soft, action-plans.md §2). With a reference set, the ids a target
 * names are cross-checked too. Every problem is collected before anything throws. Top-level keys starting
 * with `x-` hold YAML anchors and are ignored; merge keys (`<<: *anchor`) are enabled.
 */
import { parseDocument } from 'yaml';
import { ValidationError } from '../errors.js';
import type { ReferenceSet } from '../reference/reference-schema.js';
import { readYamlFiles, yamlSyntaxProblems } from '../reference/yaml-files.js';
import { RULE_KINDS } from '../rules/index.js';
import { planFileSchema, type PlanFile } from './target-definition.js';
import { checkTargetReferences, knownIdsOf, type TargetProblem } from './target-references.js';

export const DEFAULT_TARGETS_DIR = 'config/targets';

const SOFT_WORDS = /力争|左右|基本/;
const HARD_WORDS = /确保|不超过|控制在|不进入|不高于/;

export interface TargetFileSource {
  name: string;
  text: string;
}

export async function loadPlanFiles(
  dir: string = DEFAULT_TARGETS_DIR,
  opts: { reference?: ReferenceSet } = {},
): Promise<PlanFile[]> {
  return parsePlanFiles(await readYamlFiles(dir), opts);
}

/** The loader's pure half: parse and check already-read files. */
export function parsePlanFiles(
  files: readonly TargetFileSource[],
  opts: { reference?: ReferenceSet } = {},
): PlanFile[] {
  const problems: TargetProblem[] = [];
  const plans: { name: string; plan: PlanFile }[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const doc = parseDocument(file.text, { uniqueKeys: true, merge: true });
    if (doc.errors.length > 0) {
      problems.push(...yamlSyntaxProblems(doc, file.name));
      continue;
    }
    const parsed = planFileSchema.safeParse(withoutAnchorKeys(doc.toJS()));
    if (!parsed.success) {
      for (const i of parsed.error.issues)
        problems.push({ path: `${file.name}:${issuePath(doc.toJS(), i.path)}`, reason: i.message });
      continue;
    }
    const plan = parsed.data;
    const stem = file.name.replace(/\.ya?ml$/, '');
    if (plan.plan.id !== stem)
      problems.push({
        path: `${file.name}:plan.id`,
        reason: `plan id "${plan.plan.id}" differs from the file name`,
      });
    for (const t of plan.targets) {
      const other = seen.get(t.id);
      if (other) problems.push({ path: `${file.name}:${t.id}`, reason: `target id also used in ${other}` });
      seen.set(t.id, file.name);
    }
    problems.push(...checkRules(file.name, plan));
    plans.push({ name: file.name, plan });
  }
  if (opts.reference) problems.push(...checkTargetReferences(plans, knownIdsOf(opts.reference)));
  if (problems.length > 0) throw targetsError(problems);
  return plans.map((p) => p.plan);
}

/** "targets.3.escalation" reads as the target's id ("TZ24-AIR-02.escalation") when the file gives one. */
function issuePath(raw: unknown, p: readonly PropertyKey[]): string {
  const targets = (raw as { targets?: unknown } | null)?.targets;
  if (p[0] === 'targets' && typeof p[1] === 'number' && Array.isArray(targets)) {
    const id = (targets[p[1]] as { id?: unknown } | undefined)?.id;
    if (typeof id === 'string' && id !== '') return [id, ...p.slice(2)].map(String).join('.');
  }
  return p.map(String).join('.');
}

export function checkRules(file: string, plan: PlanFile): TargetProblem[] {
  const problems: TargetProblem[] = [];
  for (const t of plan.targets) {
    const at = (field: string) => `${file}:${t.id}.${field}`;
    const kind = RULE_KINDS[t.rule.kind];
    if (!kind) {
      problems.push({
        path: at('rule.kind'),
        reason: `unknown rule kind "${t.rule.kind}" (${Object.keys(RULE_KINDS).join(', ')})`,
      });
      continue;
    }
    const { kind: _k, ...params } = t.rule;
    const r = kind.params.safeParse(params);
    if (!r.success) {
      for (const i of r.error.issues)
        problems.push({ path: at(`rule.${i.path.join('.')}`), reason: i.message });
    }
    const periods = r.success ? kind.periodKinds?.(r.data as never) : undefined;
    if (periods && !periods.includes(t.period)) {
      problems.push({
        path: at('period'),
        reason: `${t.rule.kind} is evaluated per ${periods.join('/')} here, not ${t.period}`,
      });
    }
    if ((t.scope.kind === 'areas' || t.scope.kind === 'sections') && t.scope.ids.length === 0) {
      problems.push({ path: at('scope.ids'), reason: `scope ${t.scope.kind} lists no ids` });
    }
    if (SOFT_WORDS.test(t.clause_zh) && t.strictness !== 'soft') {
      problems.push({
        path: at('strictness'),
        reason: `the clause says ${SOFT_WORDS.exec(t.clause_zh)![0]}: strictness must be soft`,
      });
    } else if (HARD_WORDS.test(t.clause_zh) && !SOFT_WORDS.test(t.clause_zh) && t.strictness !== 'hard') {
      problems.push({
        path: at('strictness'),
        reason: `the clause says ${HARD_WORDS.exec(t.clause_zh)![0]}: strictness must be hard`,
      });
    }
  }
  return problems;
}

/** Top-level `x-…` keys only hold YAML anchors for the targets to merge. */
function withoutAnchorKeys(content: unknown): unknown {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return content;
  return Object.fromEntries(Object.entries(content).filter(([k]) => !k.startsWith('x-')));
}

export function targetsError(problems: readonly TargetProblem[]): ValidationError {
  return new ValidationError(
    `invalid target files:\n${problems.map((p) => `  - ${p.path}: ${p.reason}`).join('\n')}`,
    [...problems],
  );
}
