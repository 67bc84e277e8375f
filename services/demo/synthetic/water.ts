/**
 * Monthly samples at every water section: the GB 3838-2002 Table 1 parameters, with the section class
 * computed by the project's own single-factor classifier (services/standards) so that parameters and class
 * always agree. Most months a section sits at its target class or one better; the rainy season (July,
 * August) washes nutrients in and makes a miss likelier. Two misses are planted in the first quarter of the
 * replayed year: the strictest assessment section falls one class short in February, and a town outflow
 * section is 劣Ⅴ in March (002:3566, 002:3576 — the 2024 targets).
 */
import { classifySection, WATER_PARAM_DEFINITIONS, type WaterParam } from '../../standards/index.js';
import { streamFor, type Rng } from './prng.js';
import { targetClassFor, type WorldSection } from './world.js';

export interface WaterSample {
  sectionId: string;
  sampledAt: Date;
  params: Partial<Record<WaterParam, number>>;
  waterClass: number;
}

/** Parameters whose class decides sections in practice (standards.md §7), with their report decimals. */
const DECIDING: { param: WaterParam; decimals: number; weight: number }[] = [
  { param: 'nh3n', decimals: 2, weight: 0.35 },
  { param: 'tp', decimals: 2, weight: 0.25 },
  { param: 'cod', decimals: 0, weight: 0.15 },
  { param: 'codmn', decimals: 1, weight: 0.1 },
  { param: 'bod5', decimals: 1, weight: 0.1 },
  { param: 'do', decimals: 1, weight: 0.05 },
];

/** Trace parameters at Class Ⅰ levels, as Tongzhou's rivers report them (ranges in mg/L, decimals). */
const TRACE: [WaterParam, number, number, number][] = [
  ['fluoride', 0.3, 0.85, 2],
  ['petroleum', 0.01, 0.04, 2],
  ['volatile_phenol', 0.0005, 0.0015, 4],
  ['las', 0.03, 0.12, 2],
  ['sulfide', 0.005, 0.03, 3],
  ['cu', 0.001, 0.008, 3],
  ['zn', 0.005, 0.04, 3],
  ['se', 0.0002, 0.0008, 4],
  ['as', 0.0005, 0.003, 4],
  ['hg', 0.00001, 0.00004, 5],
  ['cd', 0.0001, 0.0008, 4],
  ['cr6', 0.002, 0.009, 3],
  ['pb', 0.001, 0.008, 3],
  ['cyanide', 0.001, 0.004, 3],
];

function round(v: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
}

/** A value of `param` inside the band of class `k` (1..6), kept away from the band's edges. */
function valueInClass(
  rng: Rng,
  param: WaterParam,
  k: number,
  waterbody: 'river' | 'lake',
  decimals: number,
): number {
  const limits = WATER_PARAM_DEFINITIONS[param][waterbody];
  if (!limits || limits.kind === 'range') throw new RangeError(`${param} has no class limits`);
  const L = limits.limits;
  const u = rng.uniform(0.2, 0.85);
  if (limits.kind === 'min') {
    const high = k === 1 ? 11 : L[k - 2]!;
    const low = k === 6 ? 0.8 : L[k - 1]!;
    return round(low + (high - low) * u, decimals);
  }
  // Equal neighbouring limits (COD's Ⅰ and Ⅱ are both 15) leave an empty band: fall back a class.
  let c = k;
  while (c > 1 && c < 6 && L[c - 1] === L[c - 2]) c -= 1;
  const low = c === 1 ? L[0]! * 0.3 : L[c - 2]!;
  const high = c === 6 ? L[4]! * 1.8 : L[c - 1]!;
  return round(low + (high - low) * u, decimals);
}

function intendedClass(rng: Rng, target: number, month: number): number {
  const wet = month === 7 || month === 8;
  const r = rng.next();
  if (r < (wet ? 0.25 : 0.07)) return Math.min(6, target + 1);
  if (r < 0.35) return Math.max(1, target - 1);
  return target;
}

/** The sections and months where the replayed year's first quarter misses, by construction. */
export function plannedWaterMisses(sections: readonly WorldSection[], year: number): Map<string, number> {
  const misses = new Map<string, number>();
  const assessment = sections
    .filter((s) => s.sectionKinds.includes('assessment') && s.targets.some((t) => t.year === year))
    .sort((a, b) => targetClassFor(a, year) - targetClassFor(b, year) || a.id.localeCompare(b.id));
  const strictest = assessment[0];
  if (strictest) misses.set(`${strictest.id}|2`, Math.min(6, targetClassFor(strictest, year) + 1));
  const outflow = sections.find((s) => s.sectionKinds.includes('town_outflow'));
  if (outflow) misses.set(`${outflow.id}|3`, 6);
  return misses;
}

export function generateWaterSample(
  seed: number,
  section: WorldSection,
  year: number,
  month: number,
  planned: ReadonlyMap<string, number> | null,
): WaterSample {
  const mm = String(month).padStart(2, '0');
  const rng = streamFor(seed, `water|${section.id}|${year}-${mm}`);
  const target = targetClassFor(section, year);
  const wanted = planned?.get(`${section.id}|${month}`) ?? intendedClass(rng, target, month);
  const totalWeight = DECIDING.reduce((a, d) => a + d.weight, 0);
  let pickAt = rng.uniform(0, totalWeight);
  const decider = DECIDING.find((d) => (pickAt -= d.weight) < 0) ?? DECIDING[0]!;
  for (let attempt = 0; ; attempt++) {
    const params: Partial<Record<WaterParam, number>> = { ph: round(rng.uniform(7.2, 8.6), 2) };
    for (const d of DECIDING) {
      const k = d.param === decider.param ? wanted : rng.int(Math.max(1, wanted - 2), wanted);
      params[d.param] = valueInClass(rng, d.param, k, section.waterbody, d.decimals);
    }
    // River TN has no class limit (GB 3838 Table 1 item 9 is for lakes); Beijing's rivers carry 3-12 mg/L.
    params.tn = round(rng.uniform(3, 12), 2);
    for (const [param, low, high, decimals] of TRACE) params[param] = round(rng.uniform(low, high), decimals);
    const { class: waterClass } = classifySection(params as Record<string, number>, {
      waterbody: section.waterbody,
    });
    // Rounding can nudge a value across a limit; draw again so that planted misses are exactly as planned.
    if (waterClass === wanted || attempt >= 20) {
      const day = String(rng.int(6, 16)).padStart(2, '0');
      const sampledAt = new Date(
        `${year}-${mm}-${day}T${String(rng.int(9, 11)).padStart(2, '0')}:${rng.chance(0.5) ? '00' : '30'}:00+08:00`,
      );
      return { sectionId: section.id, sampledAt, params, waterClass };
    }
  }
}
