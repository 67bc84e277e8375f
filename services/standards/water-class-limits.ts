/**
 * GB 3838-2002 表1 (地表水环境质量标准基本项目标准限值), mg/L except pH (dimensionless).
 *
 * Values checked against two independent transcriptions of 表1 (standards.md §7 covers only the first
 * rows). Every basic item except water temperature (a change limit, not a class threshold) and fecal
 * coliform (excluded from class evaluation, 环办〔2011〕22号) is here, so nothing is left out for doubt.
 * Limits are listed for classes Ⅰ..Ⅴ; "≤" items unless noted.
 */

export type WaterParam =
  | 'do'
  | 'codmn'
  | 'cod'
  | 'bod5'
  | 'nh3n'
  | 'tp'
  | 'tn'
  | 'ph'
  | 'fluoride'
  | 'petroleum'
  | 'volatile_phenol'
  | 'las'
  | 'sulfide'
  | 'cu'
  | 'zn'
  | 'se'
  | 'as'
  | 'hg'
  | 'cd'
  | 'cr6'
  | 'pb'
  | 'cyanide';

export type Waterbody = 'river' | 'lake';

/** 1..5 = Ⅰ..Ⅴ, 6 = 劣Ⅴ (worse than Ⅴ). */
export type WaterClass = 1 | 2 | 3 | 4 | 5 | 6;
/** A target is always one of the five classes the standard defines. */
export type TargetWaterClass = 1 | 2 | 3 | 4 | 5;

type FiveLimits = readonly [number, number, number, number, number];

export type ParamLimits =
  | { readonly kind: 'max'; readonly limits: FiveLimits }
  /** DO is a minimum: class k needs value ≥ limit. */
  | { readonly kind: 'min'; readonly limits: FiveLimits }
  /** pH: one range for all five classes. */
  | { readonly kind: 'range'; readonly low: number; readonly high: number };

interface ParamDefinition {
  readonly nameZh: string;
  readonly river: ParamLimits | null;
  readonly lake: ParamLimits | null;
}

const max = (...limits: FiveLimits): ParamLimits => ({ kind: 'max', limits });
const same = (limits: ParamLimits): Pick<ParamDefinition, 'river' | 'lake'> => ({
  river: limits,
  lake: limits,
});

export const WATER_PARAM_DEFINITIONS: Readonly<Record<WaterParam, ParamDefinition>> = {
  // 表1 item 2.
  ph: { nameZh: 'pH值', ...same({ kind: 'range', low: 6, high: 9 }) },
  // 表1 item 3: Ⅰ is "饱和率90%（或7.5）"; we use the 7.5 mg/L alternative because sections report mg/L.
  do: { nameZh: '溶解氧', ...same({ kind: 'min', limits: [7.5, 6, 5, 3, 2] }) },
  codmn: { nameZh: '高锰酸盐指数', ...same(max(2, 4, 6, 10, 15)) },
  cod: { nameZh: '化学需氧量', ...same(max(15, 15, 20, 30, 40)) },
  bod5: { nameZh: '五日生化需氧量', ...same(max(3, 3, 4, 6, 10)) },
  nh3n: { nameZh: '氨氮', ...same(max(0.15, 0.5, 1.0, 1.5, 2.0)) },
  // 表1 item 8: rivers 0.02/0.1/0.2/0.3/0.4, "湖、库" 0.01/0.025/0.05/0.1/0.2.
  tp: { nameZh: '总磷', river: max(0.02, 0.1, 0.2, 0.3, 0.4), lake: max(0.01, 0.025, 0.05, 0.1, 0.2) },
  // 表1 item 9 "总氮（湖、库，以N计）": defined for lakes and reservoirs only.
  tn: { nameZh: '总氮', river: null, lake: max(0.2, 0.5, 1.0, 1.5, 2.0) },
  cu: { nameZh: '铜', ...same(max(0.01, 1.0, 1.0, 1.0, 1.0)) },
  zn: { nameZh: '锌', ...same(max(0.05, 1.0, 1.0, 2.0, 2.0)) },
  fluoride: { nameZh: '氟化物', ...same(max(1.0, 1.0, 1.0, 1.5, 1.5)) },
  se: { nameZh: '硒', ...same(max(0.01, 0.01, 0.01, 0.02, 0.02)) },
  as: { nameZh: '砷', ...same(max(0.05, 0.05, 0.05, 0.1, 0.1)) },
  hg: { nameZh: '汞', ...same(max(0.00005, 0.00005, 0.0001, 0.001, 0.001)) },
  cd: { nameZh: '镉', ...same(max(0.001, 0.005, 0.005, 0.005, 0.01)) },
  cr6: { nameZh: '铬（六价）', ...same(max(0.01, 0.05, 0.05, 0.05, 0.1)) },
  pb: { nameZh: '铅', ...same(max(0.01, 0.01, 0.05, 0.05, 0.1)) },
  cyanide: { nameZh: '氰化物', ...same(max(0.005, 0.05, 0.2, 0.2, 0.2)) },
  volatile_phenol: { nameZh: '挥发酚', ...same(max(0.002, 0.002, 0.005, 0.01, 0.1)) },
  petroleum: { nameZh: '石油类', ...same(max(0.05, 0.05, 0.05, 0.5, 1.0)) },
  las: { nameZh: '阴离子表面活性剂', ...same(max(0.2, 0.2, 0.2, 0.3, 0.3)) },
  sulfide: { nameZh: '硫化物', ...same(max(0.05, 0.1, 0.2, 0.5, 1.0)) },
};

/** Stable reporting order (表1 order). */
export const WATER_PARAMS: readonly WaterParam[] = [
  'ph',
  'do',
  'codmn',
  'cod',
  'bod5',
  'nh3n',
  'tp',
  'tn',
  'cu',
  'zn',
  'fluoride',
  'se',
  'as',
  'hg',
  'cd',
  'cr6',
  'pb',
  'cyanide',
  'volatile_phenol',
  'petroleum',
  'las',
  'sulfide',
];

/**
 * Ids a monitoring record may carry that are never part of the class (环办〔2011〕22号: 表1 minus water
 * temperature, TN and fecal coliform). Accepted so that whole records can be passed in.
 */
export const NON_CLASS_PARAMS: readonly string[] = ['water_temperature', 'fecal_coliform'];

/**
 * 环办〔2011〕22号 §主要污染指标: "当氰化物或铅、铬等重金属超标时，优先作为主要污染指标". We read "heavy metals" as
 * the metals of 表1 plus arsenic (listed with them in Chinese heavy-metal control); selenium is not included.
 */
export const PRIORITY_POLLUTANTS: ReadonlySet<WaterParam> = new Set<WaterParam>([
  'cyanide',
  'pb',
  'cr6',
  'hg',
  'cd',
  'as',
  'cu',
  'zn',
]);

export function isWaterParam(id: string): id is WaterParam {
  return Object.prototype.hasOwnProperty.call(WATER_PARAM_DEFINITIONS, id);
}
