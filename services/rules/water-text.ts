/**
 * Words of the water explanations: parameters by the names GB 3838 表1 and the bulletins use (氨氮, 溶解氧 —
 * an official checks a verdict against a bulletin that never says `nh3n`), classes as Ⅳ类 / class IV.
 */
import { formatWaterClass, type WaterClass } from '../standards/water-class.js';
import { WATER_PARAM_DEFINITIONS, isWaterParam } from '../standards/water-class-limits.js';

const PARAM_EN: Readonly<Record<string, string>> = {
  ph: 'pH',
  do: 'dissolved oxygen',
  codmn: 'permanganate index',
  cod: 'COD',
  bod5: 'BOD5',
  nh3n: 'ammonia nitrogen (NH3-N)',
  tp: 'total phosphorus',
  tn: 'total nitrogen',
  fluoride: 'fluoride',
  petroleum: 'petroleum',
  volatile_phenol: 'volatile phenol',
  las: 'anionic surfactants',
  sulfide: 'sulfide',
  cyanide: 'cyanide',
  cr6: 'chromium (VI)',
};

export function paramZh(id: string): string {
  return isWaterParam(id) ? WATER_PARAM_DEFINITIONS[id].nameZh : id;
}

export function paramEn(id: string): string {
  return PARAM_EN[id] ?? id;
}

export function classLabel(c: number, lang: 'zh' | 'en'): string {
  return lang === 'zh'
    ? `${formatWaterClass(c as WaterClass, 'zh')}类`
    : `class ${formatWaterClass(c as WaterClass, 'en')}`;
}

type Overrides = Record<string, { min?: number; max?: number }>;

/** "（氨氮≤4mg/L）" */
export function overridesZh(o: Overrides): string {
  const parts = Object.entries(o).map(([k, v]) =>
    v.max !== undefined ? `${paramZh(k)}≤${v.max}mg/L` : `${paramZh(k)}≥${v.min}mg/L`,
  );
  return parts.length > 0 ? `（${parts.join('，')}）` : '';
}

/** " (ammonia nitrogen (NH3-N) ≤ 4 mg/L)" */
export function overridesEn(o: Overrides): string {
  const parts = Object.entries(o).map(([k, v]) =>
    v.max !== undefined ? `${paramEn(k)} ≤ ${v.max} mg/L` : `${paramEn(k)} ≥ ${v.min} mg/L`,
  );
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** "3月、7月" / "2024-03, 2024-07" */
export function monthsZh(months: readonly string[]): string {
  return months.map((m) => `${Number(m.slice(5))}月`).join('、');
}
