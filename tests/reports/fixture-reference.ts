/**
 * Reference rows for the report tests, inserted directly (the tests do not depend on the seeding code):
 * Tongzhou's 22 streets/towns as the 2021 plan writes them (17 valid from 2020, 5 from 2021), BDA's four
 * units, and the metrics the reports read.
 */
import type { Queryable } from '../../services/db/queryable.js';

type Kind = 'street' | 'town' | 'township';
export interface FixtureArea {
  id: string;
  nameZh: string;
  shortZh: string;
  nameEn: string;
  kind: Kind;
  from: string;
}

const S = (id: string, zh: string, en: string, from = '2020-01-01'): FixtureArea => ({
  id,
  nameZh: `${zh}街道办事处`,
  shortZh: `${zh}街道`,
  nameEn: `${en} Subdistrict`,
  kind: 'street',
  from,
});
const T = (id: string, zh: string, en: string, kind: Kind = 'town'): FixtureArea => ({
  id,
  nameZh: zh,
  shortZh: zh,
  nameEn: en,
  kind,
  from: '2020-01-01',
});

export const TONGZHOU_AREAS: readonly FixtureArea[] = [
  S('beiyuan', '北苑', 'Beiyuan'),
  S('zhongcang', '中仓', 'Zhongcang'),
  S('yuqiao', '玉桥', 'Yuqiao'),
  S('xinhua', '新华', 'Xinhua'),
  S('luyuan', '潞源', 'Luyuan'),
  S('tongyun', '通运', 'Tongyun'),
  S('luyi', '潞邑', 'Luyi', '2021-01-01'),
  S('jiukeshu', '九棵树', 'Jiukeshu', '2021-01-01'),
  S('yangzhuang', '杨庄', 'Yangzhuang', '2021-01-01'),
  S('linheli', '临河里', 'Linheli', '2021-01-01'),
  S('wenjing', '文景', 'Wenjing', '2021-01-01'),
  T('yongshun', '永顺镇', 'Yongshun Town'),
  T('taihu', '台湖镇', 'Taihu Town'),
  T('lucheng', '潞城镇', 'Lucheng Town'),
  T('songzhuang', '宋庄镇', 'Songzhuang Town'),
  T('liyuan', '梨园镇', 'Liyuan Town'),
  T('majuqiao', '马驹桥镇', 'Majuqiao Town'),
  T('zhangjiawan', '张家湾镇', 'Zhangjiawan Town'),
  T('huoxian', '漷县镇', 'Huoxian Town'),
  T('yujiawu', '于家务乡', 'Yujiawu Hui Ethnic Township', 'township'),
  T('xiji', '西集镇', 'Xiji Town'),
  T('yongledian', '永乐店镇', 'Yongledian Town'),
];

export const BDA_AREAS: readonly FixtureArea[] = [
  {
    id: 'ronghua',
    nameZh: '荣华街道',
    shortZh: '荣华街道',
    nameEn: 'Ronghua Subdistrict',
    kind: 'street',
    from: '2020-01-01',
  },
  {
    id: 'boxing',
    nameZh: '博兴街道',
    shortZh: '博兴街道',
    nameEn: 'Boxing Subdistrict',
    kind: 'street',
    from: '2020-01-01',
  },
  {
    id: 'yizhuang',
    nameZh: '亦庄镇',
    shortZh: '亦庄镇',
    nameEn: 'Yizhuang Town',
    kind: 'town',
    from: '2020-01-01',
  },
  {
    id: 'yinghai',
    nameZh: '瀛海镇',
    shortZh: '瀛海镇',
    nameEn: 'Yinghai Town',
    kind: 'town',
    from: '2020-01-01',
  },
];

// id, name_zh, name_en, unit, unit_zh, resolution, domain, better, decimals
type MetricRow = [string, string, string, string, string, string, string, string, number];
export const METRICS: readonly MetricRow[] = [
  [
    'pm25',
    '细颗粒物（PM2.5）',
    'Fine particulate matter (PM2.5)',
    'ug/m3',
    '微克/立方米',
    'hour',
    'air',
    'lower',
    1,
  ],
  ['pm10', '可吸入颗粒物（PM10）', 'PM10', 'ug/m3', '微克/立方米', 'hour', 'air', 'lower', 1],
  [
    'tsp',
    '粗颗粒物（TSP）',
    'Total suspended particulates (TSP)',
    'ug/m3',
    '微克/立方米',
    'day',
    'air',
    'lower',
    0,
  ],
  ['dust_fall', '降尘量', 'Dust fall', 't/km2/month', '吨/平方公里·月', 'month', 'dust', 'lower', 1],
  ['road_dust_load', '道路尘负荷', 'Road dust load', 'g/m2', '克/平方米', 'month', 'dust', 'lower', 2],
  [
    'road_dust_residue',
    '道路尘土残存量',
    'Road surface dust residue',
    'g/m2',
    '克/平方米',
    'sample',
    'dust',
    'lower',
    1,
  ],
  [
    'city_rank_pm25',
    '全市PM2.5月均浓度排名',
    'City-wide rank by monthly mean PM2.5',
    'rank',
    '名',
    'month',
    'rank',
    'lower',
    0,
  ],
  [
    'city_rank_tsp',
    '全市TSP月均浓度排名',
    'City-wide rank by monthly mean TSP',
    'rank',
    '名',
    'month',
    'rank',
    'lower',
    0,
  ],
  ['nh3n', '氨氮（NH3-N）', 'Ammonia nitrogen (NH3-N)', 'mg/L', '毫克/升', 'sample', 'water', 'lower', 2],
  [
    'codmn',
    '高锰酸盐指数（CODMn）',
    'Permanganate index (CODMn)',
    'mg/L',
    '毫克/升',
    'sample',
    'water',
    'lower',
    1,
  ],
  ['tp', '总磷（TP）', 'Total phosphorus (TP)', 'mg/L', '毫克/升', 'sample', 'water', 'lower', 3],
  ['do', '溶解氧（DO）', 'Dissolved oxygen (DO)', 'mg/L', '毫克/升', 'sample', 'water', 'higher', 1],
  ['water_class', '水质类别', 'Water quality class', 'class', '类', 'sample', 'water', 'lower', 0],
];

export async function insertReference(
  db: Queryable,
  areas: { tongzhou: readonly FixtureArea[]; bda: readonly FixtureArea[] } = {
    tongzhou: TONGZHOU_AREAS,
    bda: BDA_AREAS,
  },
): Promise<void> {
  await db.query(
    `INSERT INTO district (id, name_zh, name_en, sort_order) VALUES
       ('tongzhou', '通州区', 'Tongzhou District', 1),
       ('bda', '北京经济技术开发区', 'Beijing Economic-Technological Development Area', 2)`,
  );
  const all = [
    ...areas.tongzhou.map((a) => ({ ...a, d: 'tongzhou' })),
    ...areas.bda.map((a) => ({ ...a, d: 'bda' })),
  ];
  await db.query(
    `INSERT INTO area (id, district_id, name_zh, short_zh, name_en, kind, valid_from, sort_order)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::int[])`,
    [
      all.map((a) => a.id),
      all.map((a) => a.d),
      all.map((a) => a.nameZh),
      all.map((a) => a.shortZh),
      all.map((a) => a.nameEn),
      all.map((a) => a.kind),
      all.map((a) => a.from),
      all.map((_, i) => i + 1),
    ],
  );
  await db.query(
    `INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better, decimals)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[])`,
    METRICS[0]!.map((_, col) => METRICS.map((m) => m[col])),
  );
}
