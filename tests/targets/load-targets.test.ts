/** The target files: the shipped plans are valid against the shipped reference set; mistakes fail loudly. */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import type { ReferenceSet } from '../../services/reference/reference-schema.js';
import { loadPlanFiles, parsePlanFiles } from '../../services/targets/load-targets.js';
import { upsertPlanFile } from '../../services/targets/target-queries.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const db = useTestDatabase();
let reference: ReferenceSet;

beforeAll(async () => {
  reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
  await seedRealReference(db.pool);
});

const plan = (targets: string) => ({
  name: 'tongzhou-2099.yaml',
  text: `plan: { id: tongzhou-2099, district: tongzhou, year: 2099, name_zh: 测试, name_en: Test }
targets:
${targets}`,
});

const good = `  - id: TZ99-AIR-01
    clause_zh: PM2.5年均浓度不超过35
    title_zh: 测试
    title_en: Test
    metric: pm25
    scope: { kind: district }
    period: year
    rule: { kind: cumulative_mean_limit, max: 35 }
    strictness: hard
    main_units: [eeb]
    lead_officials: [yao_weilong]
    source: test`;

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.details.map((d) => `${d.path}: ${d.reason}`);
    throw err;
  }
  return [];
}

describe('target files', () => {
  it('loads the five shipped plans, cross-checked against the reference set', async () => {
    const plans = await loadPlanFiles(path.join(ROOT, 'config/targets'), { reference });
    expect(plans.map((p) => p.plan.id).sort()).toEqual([
      'bda-2020',
      'tongzhou-2020',
      'tongzhou-2021',
      'tongzhou-2022',
      'tongzhou-2024',
    ]);
    // The 2022 分工方案 is tracked for its duties only: a plan with no measured target.
    expect(plans.find((p) => p.plan.id === 'tongzhou-2022')!.targets).toEqual([]);
    expect(plans.find((p) => p.plan.id === 'tongzhou-2024')!.targets.map((t) => t.id)).toContain(
      'TZ24-AIR-11b',
    );
  });

  it('names an unknown unit, official and area with their paths', () => {
    const bad = good
      .replace('main_units: [eeb]', 'main_units: [eeb, no_such_unit]')
      .replace('[yao_weilong]', '[nobody]')
      .replace('{ kind: district }', '{ kind: areas, ids: [atlantis] }');
    expect(problemsOf(() => parsePlanFiles([plan(bad)], { reference }))).toEqual([
      'tongzhou-2099.yaml:TZ99-AIR-01.lead_officials[0]: unknown official "nobody"',
      'tongzhou-2099.yaml:TZ99-AIR-01.main_units[1]: unknown unit "no_such_unit"',
      'tongzhou-2099.yaml:TZ99-AIR-01.scope.ids[0]: unknown area "atlantis"',
    ]);
  });

  it('refuses an area of another district in a tier', () => {
    const bad = good.replace(
      'rule: { kind: cumulative_mean_limit, max: 35 }',
      'rule: { kind: relative_to_reference, alternatives: [level], tiers: [{ offset: 1, areas: [ronghua] }] }',
    );
    expect(problemsOf(() => parsePlanFiles([plan(bad)], { reference }))).toContain(
      'tongzhou-2099.yaml:TZ99-AIR-01.rule.areas[0]: area "ronghua" is in bda, not tongzhou',
    );
  });

  it('names the target and what is expected in a bad escalation chain', () => {
    const bad =
      `${good}\n    escalation: { step1_officials: [yao_weilong, district_head], at_deadline: leaders }` +
      `\n${good.replace('TZ99-AIR-01', 'TZ99-AIR-02')}\n    escalation: { step1_roles: [lead] }`;
    const withPlan = plan(bad);
    withPlan.text = withPlan.text.replace(
      'name_en: Test }',
      'name_en: Test, escalation: { step1_officials: [nobody] } }',
    );
    expect(problemsOf(() => parsePlanFiles([withPlan], { reference }))).toEqual([
      'tongzhou-2099.yaml:TZ99-AIR-01.escalation.at_deadline: expected district_leadership or none, not "leaders"',
      'tongzhou-2099.yaml:TZ99-AIR-02.escalation: unknown escalation key(s) "step1_roles": expected breach_after_minutes, at_risk_after_minutes, step1_officials, at_deadline',
    ]);
    // With the schema satisfied, the officials are checked against the reference set, plan and target alike.
    const named = plan(`${good}\n    escalation: { step1_officials: [yao_weilong, district_head] }`);
    named.text = named.text.replace(
      'name_en: Test }',
      'name_en: Test, escalation: { step1_officials: [nobody] } }',
    );
    const problems = problemsOf(() => parsePlanFiles([named], { reference }));
    expect(problems.map((p) => p.replace(/ \(e\.g\. [^)]*\)$/, ''))).toEqual([
      'tongzhou-2099.yaml:plan.escalation.step1_officials[0]: unknown official "nobody": expected an official id of the reference set',
      'tongzhou-2099.yaml:TZ99-AIR-01.escalation.step1_officials[1]: unknown official "district_head": expected an official id of the reference set',
    ]);
  });

  it('refuses a hard strictness on a clause that says 力争', () => {
    const bad = good.replace('PM2.5年均浓度不超过35', 'PM2.5年均浓度力争下降');
    expect(problemsOf(() => parsePlanFiles([plan(bad)]))).toEqual([
      'tongzhou-2099.yaml:TZ99-AIR-01.strictness: the clause says 力争: strictness must be soft',
    ]);
  });

  it('refuses a misspelt key instead of dropping it', () => {
    const bad = `${good}\n    exclude_sand_dst: true`;
    expect(problemsOf(() => parsePlanFiles([plan(bad)])).join('\n')).toContain('exclude_sand_dst');
  });

  it("refuses rule parameters the kind's schema rejects", () => {
    const bad = good.replace(
      'rule: { kind: cumulative_mean_limit, max: 35 }',
      'rule: { kind: rank_frequency, bottom: 30 }',
    );
    expect(problemsOf(() => parsePlanFiles([plan(bad)]))).toContain(
      'tongzhou-2099.yaml:TZ99-AIR-01.rule.: set exactly one of max_count and fewer_than_last_year',
    );
  });

  it('refuses a period the rule cannot judge with these parameters (同比 counts need a year)', () => {
    const bad = good
      .replace(
        'rule: { kind: cumulative_mean_limit, max: 35 }',
        'rule: { kind: rank_frequency, bottom: 30, fewer_than_last_year: true }',
      )
      .replace('period: year', 'period: month');
    expect(problemsOf(() => parsePlanFiles([plan(bad)]))).toEqual([
      'tongzhou-2099.yaml:TZ99-AIR-01.period: rank_frequency is evaluated per year here, not month',
    ]);
  });

  it('refuses, when stored, a target naming a unit the database does not hold', async () => {
    const file = parsePlanFiles([plan(good)])[0]!;
    const bad = { ...file, targets: [{ ...file.targets[0]!, assist_units: ['ghost_unit'] }] };
    await expect(upsertPlanFile(db.pool, bad)).rejects.toThrow('assist_units[0]: unknown unit "ghost_unit"');
  });

  it('stores a plan twice without rewriting it, and disables a target the file dropped', async () => {
    const [file] = parsePlanFiles([plan(`${good}\n${good.replace('TZ99-AIR-01', 'TZ99-AIR-02')}`)]);
    await upsertPlanFile(db.pool, file!);
    const loaded = async () =>
      (
        await db.pool.query(
          `SELECT id, enabled, loaded_at FROM target WHERE plan_id = 'tongzhou-2099' ORDER BY id`,
        )
      ).rows;
    const first = await loaded();
    await upsertPlanFile(db.pool, file!);
    expect(await loaded()).toEqual(first);
    await upsertPlanFile(db.pool, { ...file!, targets: [file!.targets[0]!] });
    expect((await loaded()).map((r) => [r.id, r.enabled])).toEqual([
      ['TZ99-AIR-01', true],
      ['TZ99-AIR-02', false],
    ]);
  });
});
