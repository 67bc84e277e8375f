/** The plans whose task tables are extracted, with the figures the verification compares against. */
export interface PlanSpec {
  id: string;
  prefix: string;
  seedPrefix: string;
  year: number;
  nameZh: string;
  documentNo: string;
  source: string;
  /** Items per section as counted in docs/domain (action-plans.md §0), checked against the extraction. */
  documentedRows?: Record<string, number>;
  /** 序号 the seed itself skips (OCR losses, action-plans.md §8 q.32), so the check does not flag them. */
  knownSeqGaps?: string[];
  /**
   * The count in the seed comes from a second rendering of the same plan that groups rows differently (2020:
   * the 任务分解表 beside the narrative), so a difference is reported, not an error.
   */
  seedCountIsOtherRendering?: boolean;
}

export const PLAN_SPECS: PlanSpec[] = [
  {
    id: 'tongzhou-2021',
    prefix: 'TZ21',
    seedPrefix: '001',
    year: 2021,
    nameZh: '通州区深入打好污染防治攻坚战2021年行动计划',
    documentNo: '通政发〔2021〕2号',
    source: '001:1-1383',
    documentedRows: { 大气: 56, 水: 43, 土壤: 35 },
  },
  {
    id: 'tongzhou-2024',
    prefix: 'TZ24',
    seedPrefix: '002',
    year: 2024,
    nameZh: '北京市通州区持续深入打好污染防治攻坚战2024年行动计划',
    documentNo: '通政发〔2024〕7号',
    source: '002:2353-5266',
    documentedRows: { 蓝天: 82, 碧水: 47, 净土: 49, 应对气候变化: 46, 生态保护: 27 },
  },
  {
    id: 'bda-2020',
    prefix: 'BDA20',
    seedPrefix: '004',
    year: 2020,
    nameZh: '北京经济技术开发区污染防治攻坚战2020年行动计划',
    documentNo: '京技管〔2020〕28号',
    source: '004:1-124',
    // 23-25 lost and 26 garbled (004:69); 11-13 of 净土 lost (004:111 keeps a row without its 序号).
    knownSeqGaps: ['蓝天 22→26', '净土 10→14'],
  },
];

PLAN_SPECS.push({
  id: 'tongzhou-2020',
  prefix: 'TZ20',
  seedPrefix: '000',
  year: 2020,
  nameZh: '通州区污染防治攻坚战2020年行动计划',
  documentNo: '通政办发〔2020〕7号',
  source: '000:1999-5083',
  seedCountIsOtherRendering: true,
});

export const SECTION_CODES: Record<string, string> = {
  蓝天: 'AIR',
  大气: 'AIR',
  碧水: 'WAT',
  水: 'WAT',
  净土: 'SOIL',
  土壤: 'SOIL',
  应对气候变化: 'CLIM',
  生态保护: 'ECO',
};

const CN: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 序号 as a number: "12", or the 2020 narrative's "三十九". */
export function seqNumber(seq: string): number | undefined {
  if (/^\d+$/.test(seq)) return Number(seq);
  const m = /^([一二三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(seq);
  if (m === null || seq === '') return undefined;
  if (m[2] === undefined) return CN[m[1]!];
  return (m[1] ? CN[m[1]]! : 1) * 10 + (m[3] ? CN[m[3]]! : 0);
}
