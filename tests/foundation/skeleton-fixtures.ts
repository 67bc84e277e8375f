/** The few reference rows the walking skeleton needs, inserted directly (no shared seed rows across files). */
import type { Queryable } from '../../services/db/queryable.js';
import type { PlanFile } from '../../services/targets/target-definition.js';

export async function insertSkeletonReference(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO district (id, name_zh, name_en) VALUES ('tongzhou', '通州区', 'Tongzhou District')`,
  );
  await db.query(
    `INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from)
     VALUES ('beiyuan', 'tongzhou', '北苑街道办事处', '北苑街道', 'Beiyuan Subdistrict', 'street', '2020-01-01')`,
  );
  await db.query(`INSERT INTO area_alias (alias, area_id) VALUES ('北苑街道', 'beiyuan')`);
  await db.query(
    `INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better, unit_conversions, plausible_min, plausible_max)
     VALUES ('pm25', '细颗粒物（PM2.5）', 'PM2.5', 'µg/m³', '微克/立方米', 'hour', 'air', 'lower',
             '{"ug/m3": 1, "mg/m3": 1000}', 0, 1500)`,
  );
  // The CSV names the street, so its value is an area-level series; the district scope includes it.
  await db.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ('eeb', '区生态环境局', 'Ecology and Environment Bureau', 'department', 'tongzhou')`,
  );
  await db.query(
    `INSERT INTO contact (id, name_zh, unit_id, role, email, year_from)
     VALUES ('eeb-duty', '区生态环境局值班室', 'eeb', '值班', 'eeb-duty@example.gov.cn', 2020)`,
  );
}

export function skeletonPlan(): PlanFile {
  return {
    plan: {
      id: 'skeleton-2024',
      district: 'tongzhou',
      year: 2024,
      name_zh: '骨架测试计划',
      name_en: 'Skeleton plan',
    },
    targets: [
      {
        id: 'SKEL-AIR-01',
        clause_zh: 'PM2.5全年累计浓度达到35微克/立方米',
        title_zh: '全区PM2.5累计浓度不高于35微克/立方米',
        title_en: 'District cumulative PM2.5 at most 35 µg/m³',
        metric: 'pm25',
        scope: { kind: 'district', ids: [] },
        period: 'year',
        rule: { kind: 'cumulative_mean_limit', max: 35 },
        strictness: 'hard',
        exclude_sand_dust: false,
        lead_officials: [],
        main_units: ['eeb'],
        assist_units: [],
        source: '002:2391',
        enabled: true,
      },
    ],
  };
}
