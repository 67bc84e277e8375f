/** A small, consistent reference set built in code; each call returns a fresh copy to mutate. */
import type { ReferenceSet } from '../../services/reference/reference-schema.js';

export function minimalReferenceSet(): ReferenceSet {
  return {
    districts: [{ id: 'tongzhou', name_zh: '通州区', name_en: 'Tongzhou District', sort_order: 1 }],
    areas: [
      {
        id: 'beiyuan',
        district_id: 'tongzhou',
        name_zh: '北苑街道办事处',
        short_zh: '北苑街道',
        name_en: 'Beiyuan Subdistrict',
        kind: 'street',
        valid_from: '2020-01-01',
        valid_to: null,
        sort_order: 1,
        aliases: ['北苑'],
      },
      {
        id: 'luyi',
        district_id: 'tongzhou',
        name_zh: '潞邑街道办事处',
        short_zh: '潞邑街道',
        name_en: 'Luyi Subdistrict',
        kind: 'street',
        valid_from: '2021-01-01',
        valid_to: null,
        sort_order: 2,
        aliases: ['潞邑'],
      },
    ],
    metrics: [
      {
        id: 'nh3n',
        name_zh: '氨氮',
        name_en: 'Ammonia nitrogen',
        unit: 'mg/L',
        unit_zh: '毫克/升',
        resolution: 'sample',
        domain: 'water',
        better: 'lower',
        decimals: 2,
        unit_conversions: { 'ug/L': 0.001 },
        plausible_min: 0,
        plausible_max: 200,
      },
    ],
    sites: [
      {
        id: 'ganggouhe_houyuanhua',
        kind: 'water_section',
        name_zh: '后元化',
        name_en: 'Houyuanhua',
        district_id: 'tongzhou',
        area_id: null,
        station_level: null,
        river_zh: '港沟河',
        river_en: 'Ganggou River',
        section_kinds: ['assessment', 'boundary'],
        waterbody: 'river',
        is_example: false,
        note: null,
        latitude: null,
        longitude: null,
        valid_from: '2000-01-01',
        valid_to: null,
        aliases: ['港沟河后元化'],
        water_targets: [{ year: 2020, target_class: 5, overrides: { nh3n: { max: 4 } }, source: '000:3531' }],
      },
    ],
    units: [
      unit({
        id: 'eeb',
        name_zh: '区生态环境局',
        name_en: 'EEB',
        kind: 'department',
        aliases: ['生态环境局'],
      }),
      unit({
        id: 'gov_beiyuan',
        name_zh: '北苑街道办事处',
        name_en: 'Beiyuan Office',
        kind: 'area',
        area_id: 'beiyuan',
      }),
      unit({
        id: 'gov_luyi',
        name_zh: '潞邑街道办事处',
        name_en: 'Luyi Office',
        kind: 'area',
        area_id: 'luyi',
      }),
      unit({
        id: 'hp_command',
        name_zh: '区空气重污染应急指挥部成员单位',
        name_en: 'Heavy pollution command',
        kind: 'command',
        expands_to: 'members',
        members: ['eeb'],
      }),
    ],
    officials: [
      {
        id: 'yao_weilong',
        name_zh: '姚伟龙',
        name_en: 'Yao Weilong',
        role_zh: null,
        role_en: null,
        years: [2024],
        source: '002:2395',
      },
    ],
  };
}

type Unit = ReferenceSet['units'][number];
function unit(u: Partial<Unit> & Pick<Unit, 'id' | 'name_zh' | 'name_en' | 'kind'>): Unit {
  return { district_id: 'tongzhou', area_id: null, expands_to: null, members: [], aliases: [], ...u };
}
