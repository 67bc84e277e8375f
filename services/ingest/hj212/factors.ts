/**
 * Factor code → envwatch metric (shared/domain/hj212.md §5). Packets carry no units; a device's registry
 * entry says which unit each factor arrives in (micro-stations send µg/m³, some dust monitors mg/m³). A
 * device without an entry for a factor falls back to these defaults; a factor with neither is not stored
 * and counted as unmapped (meteorology, noise and stack codes have no envwatch metric).
 */
export interface FactorMapping {
  metric: string;
  unit: string;
}

export const DEFAULT_FACTORS: Readonly<Record<string, FactorMapping>> = {
  a34004: { metric: 'pm25', unit: 'µg/m³' },
  a34002: { metric: 'pm10', unit: 'µg/m³' },
  a34001: { metric: 'tsp', unit: 'µg/m³' },
  a21026: { metric: 'so2', unit: 'µg/m³' },
  a21004: { metric: 'no2', unit: 'µg/m³' },
  a21005: { metric: 'co', unit: 'mg/m³' },
  a05024: { metric: 'o3', unit: 'µg/m³' },
  w01001: { metric: 'ph', unit: 'pH' },
  w01009: { metric: 'do', unit: 'mg/L' },
  w01018: { metric: 'cod', unit: 'mg/L' },
  w01019: { metric: 'codmn', unit: 'mg/L' },
  w01017: { metric: 'bod5', unit: 'mg/L' },
  w21003: { metric: 'nh3n', unit: 'mg/L' },
  w21011: { metric: 'tp', unit: 'mg/L' },
  w21001: { metric: 'tn', unit: 'mg/L' },
};

export function mappingFor(
  factor: string,
  device: ReadonlyMap<string, FactorMapping>,
): FactorMapping | undefined {
  return device.get(factor) ?? DEFAULT_FACTORS[factor];
}
