import { StandardsError } from './standards-error.js';
import {
  NON_CLASS_PARAMS,
  PRIORITY_POLLUTANTS,
  WATER_PARAMS,
  WATER_PARAM_DEFINITIONS,
  isWaterParam,
  type ParamLimits,
  type TargetWaterClass,
  type WaterClass,
  type WaterParam,
  type Waterbody,
} from './water-class-limits.js';

/**
 * Surface-water classes (GB 3838-2002 表1) and the section evaluation of 环办〔2011〕22号
 * 《地表水环境质量评价办法（试行）》: single-factor rule, main pollutants, exceedance multiples.
 */

export { WATER_CLASS_LABELS, formatWaterClass, parseWaterClass } from './water-class-labels.js';

/** Class Ⅲ is the line above which main pollutants are named (环办〔2011〕22号 §主要污染指标). */
const MAIN_POLLUTANT_THRESHOLD: TargetWaterClass = 3;
const MAX_MAIN_POLLUTANTS = 3;

export function classifyParameter(param: WaterParam, value: number, waterbody: Waterbody): WaterClass {
  const limits = limitsOf(param, waterbody);
  assertValue(param, value);
  if (limits.kind === 'range') return value >= limits.low && value <= limits.high ? 1 : 6;
  const index = limits.limits.findIndex((limit) => (limits.kind === 'max' ? value <= limit : value >= limit));
  return index === -1 ? 6 : ((index + 1) as WaterClass);
}

/** The class-k limit of a parameter (a maximum, or DO's minimum); null for pH, whose limit is a range. */
export function waterClassLimit(
  param: WaterParam,
  waterClass: TargetWaterClass,
  waterbody: Waterbody,
): number | null {
  assertTargetClass(waterClass);
  const limits = limitsOf(param, waterbody);
  return limits.kind === 'range' ? null : classLimit(limits.limits, waterClass);
}

/** Replaces the target-class limit of one parameter, e.g. the 2020 plan's `{ nh3n: { max: 4 } }`. */
export interface ParameterOverride {
  readonly max?: number;
  readonly min?: number;
}
export type ParameterOverrides = Readonly<Partial<Record<WaterParam, ParameterOverride>>>;

export interface SectionOptions {
  readonly waterbody: Waterbody;
  /** Class the exceedance multiples are computed against; default Ⅲ, as in 环办〔2011〕22号. */
  readonly targetClass?: TargetWaterClass;
  readonly overrides?: ParameterOverrides;
  /**
   * 环办〔2011〕22号 evaluates 表1 minus water temperature, TN and fecal coliform, and assesses lake TN
   * separately as a reference indicator; standards.md §7 says the same. Set true to let lake TN decide
   * the class anyway. River TN is never evaluated: 表1 has no river limit.
   */
  readonly includeLakeTn?: boolean;
}

export interface MainPollutant {
  readonly param: WaterParam;
  readonly value: number;
  readonly class: WaterClass;
  /** Target-class limit (or the override); DO's is its minimum; null for pH. */
  readonly limit: number | null;
  /**
   * (C − C_std) / C_std against `limit`, 4 decimals; ≤ 0 means within the target although worse than Ⅲ.
   * null for DO and pH: 环办〔2011〕22号 "对于水温、pH值和溶解氧等项目不计算超标倍数" — DO is a minimum, the
   * formula has no meaning for it, and official bulletins print DO without a multiple.
   */
  readonly exceedanceMultiple: number | null;
}

export interface SectionClassification {
  readonly class: WaterClass;
  /** Evaluated parameters whose class equals the section class. */
  readonly decidingParameters: readonly WaterParam[];
  /** Up to three, only when the class is worse than Ⅲ. */
  readonly mainPollutants: readonly MainPollutant[];
  readonly parameterClasses: Readonly<Partial<Record<WaterParam, WaterClass>>>;
  /** Lake TN assessed on its own (reference indicator); null for rivers, when absent, or when included. */
  readonly referenceTnClass: WaterClass | null;
}

/**
 * Single-factor rule: the section takes the worst class of its evaluated indicators (环办〔2011〕22号
 * §断面水质评价). Throws when nothing evaluable was given: an empty section has no class, not class Ⅰ.
 */
export function classifySection(
  params: Readonly<Record<string, number>>,
  opts: SectionOptions,
): SectionClassification {
  const targetClass = opts.targetClass ?? MAIN_POLLUTANT_THRESHOLD;
  assertTargetClass(targetClass);
  assertOverrides(opts.overrides);
  const evaluated = evaluatedEntries(params, opts);
  if (evaluated.length === 0) throw new StandardsError('no evaluable water-quality indicator given');

  const parameterClasses: Partial<Record<WaterParam, WaterClass>> = {};
  let sectionClass: WaterClass = 1;
  for (const [param, value] of evaluated) {
    const paramClass = classifyParameter(param, value, opts.waterbody);
    parameterClasses[param] = paramClass;
    if (paramClass > sectionClass) sectionClass = paramClass;
  }
  const tnValue = params['tn'];
  const tnExcluded = opts.waterbody === 'lake' && opts.includeLakeTn !== true && tnValue !== undefined;
  return {
    class: sectionClass,
    decidingParameters: evaluated.filter(([p]) => parameterClasses[p] === sectionClass).map(([p]) => p),
    mainPollutants:
      sectionClass > MAIN_POLLUTANT_THRESHOLD
        ? selectMainPollutants(evaluated, parameterClasses, targetClass, opts)
        : [],
    parameterClasses,
    referenceTnClass: tnExcluded ? classifyParameter('tn', tnValue, 'lake') : null,
  };
}

export interface TargetAssessment {
  readonly met: boolean;
  readonly class: WaterClass;
  readonly failingParameters: readonly WaterParam[];
}

/**
 * Whether a section meets its target class: every evaluated indicator at the target class or better,
 * except overridden ones, which must meet their override instead. Models the 2020 plan's "NH3-N ≤ 4 mg/L,
 * other indicators class V" as `meetsTarget(p, 5, { waterbody, overrides: { nh3n: { max: 4 } } })`;
 * `class` stays the true GB 3838 class (NH3-N 3.5 is still 劣Ⅴ while the target is met).
 */
export function meetsTarget(
  params: Readonly<Record<string, number>>,
  targetClass: TargetWaterClass,
  opts: Omit<SectionOptions, 'targetClass'>,
): TargetAssessment {
  const section = classifySection(params, { ...opts, targetClass });
  const failingParameters = evaluatedEntries(params, opts)
    .filter(([param, value]) => {
      const override = opts.overrides?.[param];
      if (override !== undefined) return !withinOverride(value, override);
      const paramClass = section.parameterClasses[param];
      return paramClass !== undefined && paramClass > targetClass;
    })
    .map(([param]) => param);
  return { met: failingParameters.length === 0, class: section.class, failingParameters };
}

/**
 * Selection follows 环办〔2011〕22号 and does not depend on the target: worst class first; within a class the
 * larger multiple over Ⅲ; DO/pH (no multiple) after those; cyanide and heavy metals worse than Ⅲ before
 * everything ("优先作为主要污染指标"). Only the *reported* multiple is against the target (project choice,
 * standards.md §7), so a section's main pollutants are the same whichever target a plan sets.
 */
function selectMainPollutants(
  evaluated: ReadonlyArray<readonly [WaterParam, number]>,
  classes: Readonly<Partial<Record<WaterParam, WaterClass>>>,
  targetClass: TargetWaterClass,
  opts: SectionOptions,
): MainPollutant[] {
  const ranked: Array<{ readonly pollutant: MainPollutant; readonly multipleOverIii: number | null }> = [];
  for (const [param, value] of evaluated) {
    const paramClass = classes[param];
    if (paramClass === undefined || paramClass <= MAIN_POLLUTANT_THRESHOLD) continue;
    const limits = limitsOf(param, opts.waterbody);
    const override = opts.overrides?.[param];
    const overridden = limits.kind === 'min' ? override?.min : override?.max;
    const limit = limits.kind === 'range' ? null : (overridden ?? classLimit(limits.limits, targetClass));
    const isMax = limits.kind === 'max';
    const multiple = isMax && limit !== null ? exceedanceMultiple(value, limit) : null;
    const multipleOverIii = isMax
      ? exceedanceMultiple(value, classLimit(limits.limits, MAIN_POLLUTANT_THRESHOLD))
      : null;
    ranked.push({
      pollutant: { param, value, class: paramClass, limit, exceedanceMultiple: multiple },
      multipleOverIii,
    });
  }
  const priority = (p: WaterParam): number => (PRIORITY_POLLUTANTS.has(p) ? 0 : 1);
  return ranked
    .sort(
      (a, b) =>
        priority(a.pollutant.param) - priority(b.pollutant.param) ||
        b.pollutant.class - a.pollutant.class ||
        (b.multipleOverIii ?? -Infinity) - (a.multipleOverIii ?? -Infinity) ||
        WATER_PARAMS.indexOf(a.pollutant.param) - WATER_PARAMS.indexOf(b.pollutant.param),
    )
    .slice(0, MAX_MAIN_POLLUTANTS)
    .map((r) => r.pollutant);
}

/** (C − C_std) / C_std, rounded to 4 decimals to drop binary noise (0.30000000000000004 → 0.3). */
function exceedanceMultiple(value: number, limit: number): number {
  return Math.round(((value - limit) / limit) * 1e4) / 1e4;
}

/** Evaluated indicators in 表1 order; rejects unknown ids so a typo cannot silently improve a class. */
function evaluatedEntries(
  params: Readonly<Record<string, number>>,
  opts: Pick<SectionOptions, 'waterbody' | 'includeLakeTn'>,
): Array<readonly [WaterParam, number]> {
  for (const id of Object.keys(params)) {
    if (!isWaterParam(id) && !NON_CLASS_PARAMS.includes(id)) {
      throw new StandardsError(`unknown water-quality parameter "${id}"`);
    }
  }
  const includeTn = opts.waterbody === 'lake' && opts.includeLakeTn === true;
  const entries: Array<readonly [WaterParam, number]> = [];
  for (const param of WATER_PARAMS) {
    const value = params[param];
    if (value === undefined || (param === 'tn' && !includeTn)) continue;
    entries.push([param, value]);
  }
  return entries;
}

function withinOverride(value: number, override: ParameterOverride): boolean {
  return (
    (override.max === undefined || value <= override.max) &&
    (override.min === undefined || value >= override.min)
  );
}

function limitsOf(param: WaterParam, waterbody: Waterbody): ParamLimits {
  if (!isWaterParam(param)) throw new StandardsError(`unknown water-quality parameter "${String(param)}"`);
  const limits = WATER_PARAM_DEFINITIONS[param][waterbody];
  if (limits === null) {
    throw new StandardsError(
      `GB 3838-2002 has no ${waterbody} limit for ${param} (TN is defined for lakes and reservoirs only)`,
    );
  }
  return limits;
}

function classLimit(limits: readonly number[], waterClass: TargetWaterClass): number {
  const limit = limits[waterClass - 1];
  if (limit === undefined) throw new StandardsError(`no class ${String(waterClass)} limit`);
  return limit;
}

function assertValue(param: WaterParam, value: number): void {
  const valid =
    typeof value === 'number' && Number.isFinite(value) && value >= 0 && (param !== 'ph' || value <= 14);
  if (!valid)
    throw new StandardsError(
      `${param} must be a finite number ≥ 0${param === 'ph' ? ' and ≤ 14' : ''}, got ${String(value)}`,
    );
}

function assertTargetClass(waterClass: number): void {
  if (!Number.isInteger(waterClass) || waterClass < 1 || waterClass > 5) {
    throw new StandardsError(`target class must be 1..5 (Ⅰ..Ⅴ), got ${String(waterClass)}`);
  }
}

function assertOverrides(overrides: ParameterOverrides | undefined): void {
  for (const [id, override] of Object.entries(overrides ?? {})) {
    const ok = override !== undefined && (override.max !== undefined || override.min !== undefined);
    if (!isWaterParam(id) || !ok)
      throw new StandardsError(`invalid override for "${id}": needs a known parameter and max or min`);
  }
}

export type { TargetWaterClass, WaterClass, WaterParam, Waterbody } from './water-class-limits.js';
