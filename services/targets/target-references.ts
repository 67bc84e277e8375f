/**
 * Cross-checks the target files against the reference set: every district, area, section, metric, unit and
 * official a target names must exist, and the areas it names must be in its plan's district. `envwatch seed`
 * fails loudly, listing every problem, instead of storing a target nobody can be alerted for.
 */
import type { Queryable } from '../db/queryable.js';
import { ruleOf } from '../rules/index.js';
import type { PlanFile } from './target-definition.js';

export interface KnownIds {
  districts: ReadonlySet<string>;
  /** area id → district id */
  areas: ReadonlyMap<string, string>;
  /** water sections and other sites: id → district id */
  sites: ReadonlyMap<string, string>;
  metrics: ReadonlySet<string>;
  units: ReadonlySet<string>;
  officials: ReadonlySet<string>;
}

export interface TargetProblem {
  path: string;
  reason: string;
}

/** The id columns knownIdsOf reads: a loaded ReferenceSet has them, and so do the database's tables. */
type IdRows = Record<'districts' | 'metrics' | 'units' | 'officials', readonly { id: string }[]> &
  Record<'areas' | 'sites', readonly { id: string; district_id: string }[]>;

export function knownIdsOf(set: IdRows): KnownIds {
  return {
    districts: new Set(set.districts.map((d) => d.id)),
    areas: new Map(set.areas.map((a) => [a.id, a.district_id])),
    sites: new Map(set.sites.map((s) => [s.id, s.district_id])),
    metrics: new Set(set.metrics.map((m) => m.id)),
    units: new Set(set.units.map((u) => u.id)),
    officials: new Set(set.officials.map((o) => o.id)),
  };
}

export async function loadKnownIds(db: Queryable): Promise<KnownIds> {
  // Sequential on purpose: the caller may pass one transaction's client.
  const d = await db.query<{ id: string }>('SELECT id FROM district');
  const a = await db.query<{ id: string; district_id: string }>('SELECT id, district_id FROM area');
  const s = await db.query<{ id: string; district_id: string }>('SELECT id, district_id FROM site');
  const m = await db.query<{ id: string }>('SELECT id FROM metric');
  const u = await db.query<{ id: string }>('SELECT id FROM unit');
  const o = await db.query<{ id: string }>('SELECT id FROM official');
  return knownIdsOf({
    districts: d.rows,
    areas: a.rows,
    sites: s.rows,
    metrics: m.rows,
    units: u.rows,
    officials: o.rows,
  });
}

export function checkTargetReferences(
  files: readonly { name: string; plan: PlanFile }[],
  known: KnownIds,
): TargetProblem[] {
  const problems: TargetProblem[] = [];
  for (const { name, plan } of files) {
    const district = plan.plan.district;
    if (!known.districts.has(district))
      problems.push({ path: `${name}:plan.district`, reason: `unknown district "${district}"` });
    problems.push(...checkStep1Officials(`${name}:plan`, plan.plan.escalation?.step1_officials, known));
    for (const t of plan.targets) {
      const at = (field: string) => `${name}:${t.id}.${field}`;
      const need = (ok: boolean, field: string, what: string, v: string) => {
        if (!ok) problems.push({ path: at(field), reason: `unknown ${what} "${v}"` });
      };
      need(known.metrics.has(t.metric), 'metric', 'metric', t.metric);
      t.lead_officials.forEach((o, i) => need(known.officials.has(o), `lead_officials[${i}]`, 'official', o));
      problems.push(...checkStep1Officials(`${name}:${t.id}`, t.escalation?.step1_officials, known));
      t.main_units.forEach((u, i) => need(known.units.has(u), `main_units[${i}]`, 'unit', u));
      t.assist_units.forEach((u, i) => need(known.units.has(u), `assist_units[${i}]`, 'unit', u));
      const sectionScope = t.scope.kind === 'sections';
      const areaIds = sectionScope ? [] : t.scope.ids.map((id, i) => ({ id, field: `scope.ids[${i}]` }));
      const siteIds = sectionScope ? t.scope.ids.map((id, i) => ({ id, field: `scope.ids[${i}]` })) : [];
      let rule: ReturnType<typeof ruleOf> = null;
      try {
        rule = ruleOf(t.rule);
      } catch {
        rule = null; // bad parameters are reported by checkRules
      }
      const refs = rule?.kind.references?.(rule.params as never) ?? {};
      (refs.areas ?? []).forEach((id, i) => areaIds.push({ id, field: `rule.areas[${i}]` }));
      (refs.sites ?? []).forEach((id, i) => siteIds.push({ id, field: `rule.sites[${i}]` }));
      (refs.metrics ?? []).forEach((id) => need(known.metrics.has(id), 'rule', 'metric', id));
      for (const { id, field } of areaIds) {
        const d = known.areas.get(id);
        if (d === undefined) need(false, field, 'area', id);
        else if (d !== district)
          problems.push({ path: at(field), reason: `area "${id}" is in ${d}, not ${district}` });
      }
      for (const { id, field } of siteIds) {
        const d = known.sites.get(id);
        if (d === undefined) need(false, field, 'section', id);
        else if (d !== district)
          problems.push({ path: at(field), reason: `section "${id}" is in ${d}, not ${district}` });
      }
    }
  }
  return problems;
}

/**
 * An escalation chain's step 1 names officials of the reference set (config/reference officials), never a
 * unit or a role: a name nobody resolves would make step 1 reach nobody at the worst moment.
 */
function checkStep1Officials(
  at: string,
  ids: readonly string[] | undefined,
  known: KnownIds,
): TargetProblem[] {
  const example = [...known.officials].slice(0, 3).join(', ');
  return (ids ?? []).flatMap((o, i) =>
    known.officials.has(o)
      ? []
      : [
          {
            path: `${at}.escalation.step1_officials[${i}]`,
            reason: `unknown official "${o}": expected an official id of the reference set${example ? ` (e.g. ${example})` : ''}`,
          },
        ],
  );
}
