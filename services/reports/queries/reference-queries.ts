/** Districts, the streets/towns valid in a period, and metric definitions, as the report needs them. */
import type { Queryable } from '../../db/queryable.js';
import { NotFoundError } from '../../errors.js';
import type { AreaRef, DistrictRef, MetricRef } from '../report-types.js';

export async function readDistrict(db: Queryable, id: string): Promise<DistrictRef> {
  const { rows } = await db.query<{ id: string; name_zh: string; name_en: string }>(
    'SELECT id, name_zh, name_en FROM district WHERE id = $1',
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`unknown district "${id}"`);
  return { id: row.id, nameZh: row.name_zh, nameEn: row.name_en };
}

export async function readDistrictIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM district ORDER BY sort_order, id');
  return rows.map((r) => r.id);
}

/**
 * Streets/towns of a district valid at any time in [from, to]: the ranked set changes with the plans
 * (17 units in 2020, 22 from 2021), so a 2020 report must not list the 2021 streets.
 */
export async function readAreasValidIn(
  db: Queryable,
  districtId: string,
  from: string,
  to: string,
): Promise<AreaRef[]> {
  const { rows } = await db.query<{
    id: string;
    name_zh: string;
    short_zh: string;
    name_en: string;
    kind: AreaRef['kind'];
    sort_order: number;
  }>(
    `SELECT id, name_zh, short_zh, name_en, kind, sort_order
       FROM area
      WHERE district_id = $1 AND valid_from <= $3::date AND (valid_to IS NULL OR valid_to >= $2::date)
      ORDER BY sort_order, id`,
    [districtId, from, to],
  );
  return rows.map((r) => ({
    id: r.id,
    nameZh: r.name_zh,
    shortZh: r.short_zh,
    nameEn: r.name_en,
    kind: r.kind,
    sortOrder: r.sort_order,
  }));
}

export async function readMetrics(db: Queryable, ids: readonly string[]): Promise<Map<string, MetricRef>> {
  const { rows } = await db.query<{
    id: string;
    name_zh: string;
    name_en: string;
    unit: string;
    unit_zh: string;
    decimals: number;
    better: 'lower' | 'higher';
  }>('SELECT id, name_zh, name_en, unit, unit_zh, decimals, better FROM metric WHERE id = ANY ($1)', [ids]);
  return new Map(
    rows.map((r) => [
      r.id,
      {
        id: r.id,
        nameZh: r.name_zh,
        nameEn: r.name_en,
        unit: r.unit,
        unitZh: r.unit_zh,
        decimals: r.decimals,
        better: r.better,
      },
    ]),
  );
}
