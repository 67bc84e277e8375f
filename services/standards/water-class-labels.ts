import { StandardsError } from './standards-error.js';
import type { WaterClass } from './water-class-limits.js';

/**
 * Labels of the surface-water classes. Data arrive in several spellings (Unicode Roman numerals from
 * bulletins, ASCII from spreadsheets, digits from our own tables), so parsing accepts all of them.
 */

export const WATER_CLASS_LABELS: Readonly<Record<WaterClass, { readonly zh: string; readonly en: string }>> =
  {
    1: { zh: 'Ⅰ', en: 'I' },
    2: { zh: 'Ⅱ', en: 'II' },
    3: { zh: 'Ⅲ', en: 'III' },
    4: { zh: 'Ⅳ', en: 'IV' },
    5: { zh: 'Ⅴ', en: 'V' },
    6: { zh: '劣Ⅴ', en: 'worse-than-V' },
  };

const CLASS_BY_LABEL: ReadonlyMap<string, WaterClass> = new Map<string, WaterClass>([
  ['Ⅰ', 1],
  ['I', 1],
  ['1', 1],
  ['Ⅱ', 2],
  ['II', 2],
  ['2', 2],
  ['Ⅲ', 3],
  ['III', 3],
  ['3', 3],
  ['Ⅳ', 4],
  ['IV', 4],
  ['4', 4],
  ['Ⅴ', 5],
  ['V', 5],
  ['5', 5],
  ['劣Ⅴ', 6],
  ['劣V', 6],
  ['WORSE-THAN-V', 6],
  ['6', 6],
]);

export function formatWaterClass(waterClass: WaterClass, language: 'zh' | 'en' = 'zh'): string {
  return WATER_CLASS_LABELS[waterClass][language];
}

/** Accepts 'Ⅳ', 'IV', '4', 'Ⅳ类', '劣Ⅴ', '劣V', 'worse-than-V' (ASCII case-insensitive, surrounding spaces ignored). */
export function parseWaterClass(input: string): WaterClass {
  const key = input.trim().replace(/类$/u, '').toUpperCase();
  const parsed = CLASS_BY_LABEL.get(key);
  if (parsed === undefined) throw new StandardsError(`not a surface-water class: "${input}"`);
  return parsed;
}
