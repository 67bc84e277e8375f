/**
 * Monthly water-section classes from `water_section_class` (migration 0010, maintained by the rollups): per
 * section and Shanghai month the GB 3838 class of the month's mean parameter values, the values themselves
 * (needed for annual means and parameter overrides) and the number of samples.
 */
import type { Queryable } from '../../db/queryable.js';
import { readPerScope, type ItemSpan } from './item-span.js';

export interface WaterMonth {
  month: string;
  waterClass: number;
  /** Monthly mean per parameter, mg/L (pH unitless); empty when only a class was delivered. */
  values: Record<string, number>;
  samples: number;
  version: number;
}

/** section (the items' scopes are sections) → the months the span touches (YYYY-MM), in order. */
export async function readWaterMonths(db: Queryable, span: ItemSpan): Promise<Map<string, WaterMonth[]>> {
  return readPerScope<
    {
      site_id: string;
      month: string;
      water_class: number;
      parameter_values: Record<string, number>;
      n_samples: number;
      min_version: number;
    },
    WaterMonth
  >(
    db,
    span,
    `SELECT site_id, to_char(month, 'YYYY-MM') AS month, water_class, parameter_values, n_samples, min_version
       FROM water_section_class
      WHERE period_kind = 'month' AND site_id = ANY ($1) AND month BETWEEN $2::date AND $3::date
      ORDER BY site_id, month`,
    [span.scopeIds, `${span.from.slice(0, 7)}-01`, `${span.until.slice(0, 7)}-01`],
    (r) => r.site_id,
    (r) => ({
      month: r.month,
      waterClass: r.water_class,
      values: r.parameter_values,
      samples: r.n_samples,
      version: r.min_version,
    }),
  );
}
