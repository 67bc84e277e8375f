/**
 * Rounding per GB/T 8170 (数值修约规则): round half to even ("四舍六入五成双").
 *
 * WHY: HJ 633-2026 §4.2.2 requires SO2, NO2, O3, PM10, PM2.5 concentrations "按照 GB/T 8170 要求修约到整数"
 * and CO (mg/m³) "修约到1位小数" before the IAQI is computed. GB/T 8170 §3.2: when the discarded part is
 * exactly 5 (nothing or only zeros after it), keep the retained digit if it is even and add one if it is
 * odd; otherwise round to the nearest. So 74.5 → 74, 75.5 → 76, 74.51 → 75.
 *
 * Binary floating point cannot hold most decimals (1.15 is 1.149999…), so the scaled value is first
 * normalised to 12 significant digits; inputs here are monitoring concentrations with far fewer digits.
 */
export function roundGbt8170(value: number, decimals: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`cannot round ${String(value)}`);
  const factor = 10 ** decimals;
  const scaled = Number((value * factor).toPrecision(12));
  const whole = Math.floor(scaled);
  const fraction = scaled - whole;
  let rounded: number;
  if (fraction > 0.5) rounded = whole + 1;
  else if (fraction < 0.5) rounded = whole;
  else rounded = whole % 2 === 0 ? whole : whole + 1;
  return rounded / factor;
}
