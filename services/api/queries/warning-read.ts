/** Heavy-pollution warnings in force at an instant (started, not ended, not lifted). */
import type { Queryable } from '../../db/queryable.js';

export interface ActiveWarning {
  id: number;
  level: 'blue' | 'yellow' | 'orange' | 'red';
  starts_at: Date;
  district_id: string | null;
  district_zh: string | null;
  district_en: string | null;
  area_ids: string[];
  measures: string | null;
}

export async function listActiveWarnings(db: Queryable, at: Date): Promise<ActiveWarning[]> {
  const { rows } = await db.query<ActiveWarning>(
    `SELECT w.id, w.level, w.starts_at, w.district_id, d.name_zh AS district_zh, d.name_en AS district_en,
            w.area_ids, w.measures
       FROM heavy_pollution_warning w
       LEFT JOIN district d ON d.id = w.district_id
      WHERE w.starts_at <= $1 AND (w.ends_at IS NULL OR w.ends_at > $1) AND (w.lifted_at IS NULL OR w.lifted_at > $1)
      ORDER BY w.starts_at DESC
      LIMIT 5`,
    [at],
  );
  return rows;
}
