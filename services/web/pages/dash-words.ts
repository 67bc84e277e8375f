/**
 * Texts of the role pages (district, matrix, water, alert detail, warning banner), Chinese first. Kept apart
 * from i18n.ts so these pages can grow without every page engineer editing the same table.
 */
import type { Locale } from '../i18n.js';

const zh = {
  districtPage: '{district} {year}年 区级目标',
  projection: '剩余{n}天须平均不高于{x}',
  projectionOut: '已无法达标（剩余{n}天即使为0也超过目标）',
  yearOver: '全年已结束',
  thisYear: '今年',
  lastYear: '去年',
  targetLine: '目标',
  monthlyPm25: 'PM2.5 月均浓度（微克/立方米）',
  heavyWithSand: '含沙尘',
  heavyWithoutSand: '扣除沙尘',
  rankingMonth: '街乡排名（{month}）',
  rankingYtd: '街乡排名（年累计）',
  rank: '名次',
  area: '街乡',
  links: '相关页面',
  waterPage: '水环境',
  matrix: '目标 × 时段',
  matrixHint: '点按单元格查看说明',
  noTargets: '暂无目标评估。',
  year: '全年',
  alertsGrouped: '未处理预警（按目标分组，新的在前）',
  other: '其他',
  section: '断面',
  river: '河流',
  sectionKind: '类型',
  responsible: '责任街乡',
  targetClass: '目标类别',
  classByMonth: '逐月水质类别',
  decidedBy: '定类因子',
  verdicts: '评估结论',
  noSections: '暂无断面。',
  alertDetail: '预警 #{id}',
  evaluations: '评估历程',
  events: '事件',
  deliveries: '发送记录',
  recipient: '接收人',
  channel: '渠道',
  attempts: '尝试次数',
  receipt: '回执',
  addComment: '添加备注',
  commented: '已添加备注',
  noRows: '无记录。',
  warningBanner: '重污染天气{level}预警生效中：{area}，自{since}起。',
  warningMeasures: '措施：{measures}',
  level_blue: '蓝色',
  level_yellow: '黄色',
  level_orange: '橙色',
  level_red: '红色',
  wholeDistrict: '全区',
  final: '最终',
  provisionalEval: '过程',
  detail: '详情',
  at: '时间',
  event: '事件',
  by: '操作人',
  waterLegend:
    '逐月水质类别：绿色为达到目标类别，红色为劣于目标类别（其下为定类因子），灰色为无目标或无数据。',
  exampleSite: '示例断面：计划未列出名称，随系统提供的示例。',
};

export type DashWord = keyof typeof zh;

const en: Record<DashWord, string> = {
  districtPage: '{district} {year} district targets',
  projection: 'the remaining {n} days must average at most {x}',
  projectionOut: 'out of reach (even zero for the remaining {n} days exceeds the target)',
  yearOver: 'the year is over',
  thisYear: 'this year',
  lastYear: 'last year',
  targetLine: 'target',
  monthlyPm25: 'PM2.5 monthly mean (µg/m³)',
  heavyWithSand: 'incl. sand-dust',
  heavyWithoutSand: 'excl. sand-dust',
  rankingMonth: 'Streets/towns ranked ({month})',
  rankingYtd: 'Streets/towns ranked (year to date)',
  rank: 'Rank',
  area: 'Street/town',
  links: 'Links',
  waterPage: 'Water',
  matrix: 'Target × period',
  matrixHint: 'tap a cell for its explanation',
  noTargets: 'No target evaluated yet.',
  year: 'Year',
  alertsGrouped: 'Open alerts (grouped by target, newest first)',
  other: 'Other',
  section: 'Section',
  river: 'River',
  sectionKind: 'Kind',
  responsible: 'Responsible street/town',
  targetClass: 'Target class',
  classByMonth: 'Class by month',
  decidedBy: 'Deciding parameter',
  verdicts: 'Verdicts',
  noSections: 'No sections.',
  alertDetail: 'Alert #{id}',
  evaluations: 'Evaluation history',
  events: 'Events',
  deliveries: 'Deliveries',
  recipient: 'Recipient',
  channel: 'Channel',
  attempts: 'Attempts',
  receipt: 'Receipt',
  addComment: 'Add comment',
  commented: 'Comment added',
  noRows: 'Nothing recorded.',
  warningBanner: 'Heavy-pollution {level} warning in force: {area}, since {since}.',
  warningMeasures: 'Measures: {measures}',
  level_blue: 'blue',
  level_yellow: 'yellow',
  level_orange: 'orange',
  level_red: 'red',
  wholeDistrict: 'whole district',
  final: 'final',
  provisionalEval: 'in progress',
  detail: 'Details',
  at: 'Time',
  event: 'Event',
  by: 'By',
  waterLegend:
    'Class by month: green meets the target class, red is worse (the deciding parameter below), grey has no target or no data.',
  exampleSite: 'example section: the plans name none; shipped as an example.',
};

export type WordTranslate<K extends string> = (key: K, params?: Record<string, string | number>) => string;
export type DashTranslate = WordTranslate<DashWord>;

/** A page family's word book: {name} placeholders filled from params, an unknown one left as written. */
export function wordBook<K extends string>(
  zhWords: Record<K, string>,
  enWords: Record<K, string>,
): (locale: Locale) => WordTranslate<K> {
  return (locale) => {
    const m = locale === 'en' ? enWords : zhWords;
    return (key, params) => m[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? `{${k}}`));
  };
}

export const dashWords = wordBook<DashWord>(zh, en);
