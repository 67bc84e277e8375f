/**
 * Individual samples (metric resolution `sample`, e.g. 道路尘土残存量: each test of a road is its own value)
 * of the series that make up each scope (scope_series: a street/town's sites and its own series; a district's
 * sites, areas and its own series), straight from `measurement`. Invalid-flagged values are kept there but
 * never judged. One query for every scope of a target.
 */
import type { Queryable } from '../../db/queryable.js';
import { readPerScope, type ItemSpan } from './item-span.js';

export interface Sample {
  seriesId: string;
  /** Shanghai day of the sample. */
  day: string;
  value: number;
  flags: string[];
  version: number;
}

/** scope → its samples in the span (Shanghai days), in time order. */
export async function readSamples(
  db: Queryable,
  metricId: string,
  span: ItemSpan,
): Promise<Map<string, Sample[]>> {
  return readPerScope<
    {
      scope_id: string;
      series_id: string;
      day: string;
      value: number;
      flags: string[];
      data_version: number;
    },
    Sample
  >(
    db,
    span,
    `SELECT ss.scope_id, m.series_id, (m.ts AT TIME ZONE 'Asia/Shanghai')::date::text AS day, m.value, m.flags,
            m.data_version
       FROM scope_series ss
       JOIN measurement m ON m.series_id = ss.series_id
      WHERE ss.scope_id = ANY ($1) AND m.metric_id = $2
        AND m.ts >= $3::date::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND m.ts < ($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
        AND NOT ('invalid' = ANY (m.flags))
      ORDER BY ss.scope_id, m.ts, m.series_id`,
    [span.scopeIds, metricId, span.from, span.until],
    (r) => r.scope_id,
    (r) => ({ seriesId: r.series_id, day: r.day, value: r.value, flags: r.flags, version: r.data_version }),
  );
}
