/** Reads config/targets/*.yaml, validates each file and each target's rule parameters. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ValidationError } from '../errors.js';
import { RULE_KINDS } from '../rules/index.js';
import { planFileSchema, type PlanFile } from './target-definition.js';

export async function loadPlanFiles(dir: string): Promise<PlanFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  const problems: { path: string; reason: string }[] = [];
  const plans: PlanFile[] = [];
  for (const name of names) {
    const parsed = planFileSchema.safeParse(parse(await readFile(path.join(dir, name), 'utf8')));
    if (!parsed.success) {
      for (const i of parsed.error.issues) problems.push({ path: `${name}:${i.path.join('.')}`, reason: i.message });
      continue;
    }
    problems.push(...checkRules(name, parsed.data));
    plans.push(parsed.data);
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `invalid target files:\n${problems.map((p) => `  - ${p.path}: ${p.reason}`).join('\n')}`,
      problems,
    );
  }
  return plans;
}

export function checkRules(file: string, plan: PlanFile): { path: string; reason: string }[] {
  const problems: { path: string; reason: string }[] = [];
  for (const t of plan.targets) {
    const kind = RULE_KINDS[t.rule.kind];
    if (!kind) {
      problems.push({ path: `${file}:${t.id}.rule.kind`, reason: `unknown rule kind ${t.rule.kind}` });
      continue;
    }
    const { kind: _k, ...params } = t.rule;
    const r = kind.params.safeParse(params);
    if (!r.success) {
      for (const i of r.error.issues) problems.push({ path: `${file}:${t.id}.rule.${i.path.join('.')}`, reason: i.message });
    }
  }
  return problems;
}
