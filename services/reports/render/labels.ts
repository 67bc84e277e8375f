/**
 * Every word the reports print, in Chinese (first) and English. Renderers never hold literal text, so the
 * two languages cannot drift apart and a wording fix is one edit.
 */
import type { ReportLocale } from '../report-types.js';

type Text = { zh: string; en: string };

export const LABELS = {
  monthlyTitle: { zh: '街道（乡镇）环境质量排名月报', en: 'Monthly Ranking of Streets and Towns' },
  waterTitle: {
    zh: '街道（乡镇）水环境质量季度通报',
    en: 'Quarterly Water-Quality Bulletin of Streets and Towns',
  },
  version: { zh: '第{n}版', en: 'version {n}' },
  produced: { zh: '生成时间', en: 'Produced' },
  dataVersion: { zh: '数据状态', en: 'Data' },
  audited: { zh: '审核数据', en: 'audited' },
  provisional: {
    zh: '实时数据（未经审核，以审核数据为准）',
    en: 'provisional (not yet audited; audited data prevail)',
  },
  supersedes: { zh: '本版替代第{n}版（审核数据修订）', en: 'Replaces version {n} (revised by audited data)' },
  basis: {
    zh: '依据：通州区持续深入打好污染防治攻坚战2024年行动计划 蓝天第40项“定期通报各街道乡镇空气质量、降尘量、粗颗粒物（TSP）浓度、道路尘负荷、道路尘土残存量等排名情况”。',
    en: 'Basis: 2024 action plan, air row 40 — regular ranking bulletins of the streets/towns for air quality, dust fall, TSP, road dust load and road dust residue.',
  },
  headline: { zh: '一、全区总体情况', en: '1. District headline' },
  indicator: { zh: '指标', en: 'Indicator' },
  current: { zh: '本期', en: 'This period' },
  lastYear: { zh: '去年同期', en: 'Same period last year' },
  yoy: { zh: '同比', en: 'Year on year' },
  target: { zh: '目标', en: 'Target' },
  assessment: { zh: '对照目标', en: 'Against target' },
  pm25Month: { zh: 'PM2.5月均浓度', en: 'PM2.5, monthly mean' },
  pm25Ytd: { zh: 'PM2.5累计浓度（{range}）', en: 'PM2.5, cumulative ({range})' },
  pm25Q1: { zh: '一季度PM2.5累计浓度', en: 'PM2.5, Q1 cumulative' },
  heavyYtd: { zh: '重污染天数（{range}）', en: 'Heavy-pollution days ({range})' },
  heavyQ1: { zh: '一季度重污染天数', en: 'Heavy-pollution days, Q1' },
  exSandDust: { zh: '扣除沙尘影响', en: 'excluding sand-dust' },
  withSandDust: { zh: '含沙尘', en: 'including sand-dust' },
  dustMonth: { zh: '降尘量（本月）', en: 'Dust fall, this month' },
  dustYtd: { zh: '降尘量（{range}月均）', en: 'Dust fall, monthly mean ({range})' },
  sandAffected: { zh: '本月受沙尘影响', en: 'month affected by sand-dust' },
  monthsExcluded: { zh: '扣除受沙尘影响的{n}个月', en: '{n} sand-dust month(s) left out' },
  partialQ1: { zh: '截至本月', en: 'to date' },
  days: { zh: '天', en: 'days' },
  daysUnit: { zh: '{n}天', en: '{n} d' },
  notApplicable: { zh: '—', en: '—' },
  meets: { zh: '达到目标', en: 'within target' },
  exceeds: { zh: '超出目标', en: 'above target' },
  targetSource: { zh: '目标来源', en: 'Targets from' },
  charts: { zh: '二、PM2.5浓度变化', en: '2. PM2.5 over time' },
  chartMonthly: { zh: '{year}年逐月PM2.5浓度与目标', en: 'Monthly PM2.5 in {year} against the target' },
  chartDaily: { zh: '{month}逐日PM2.5浓度', en: 'Daily PM2.5, {month}' },
  legendMonth: { zh: '月均浓度', en: 'monthly mean' },
  legendLastYear: { zh: '去年同月', en: 'same month last year' },
  legendCumulative: { zh: '累计浓度', en: 'cumulative mean' },
  legendTarget: { zh: '年度目标{v}', en: 'annual target {v}' },
  legendDailyLimit: { zh: '日均二级标准{v}', en: 'Grade II 24-h limit {v}' },
  legendSand: { zh: '沙尘日', en: 'sand-dust day' },
  rankings: { zh: '三、街道（乡镇）排名', en: '3. Rankings of streets and towns' },
  rankingOf: { zh: '{metric}排名', en: 'Ranking: {metric}' },
  rank: { zh: '排名', en: 'Rank' },
  area: { zh: '街道（乡镇）', en: 'Street / town' },
  monthValue: { zh: '{month}', en: '{month}' },
  change: { zh: '同比变化', en: 'Change y/y' },
  ytd: { zh: '{range}累计', en: 'Cumulative {range}' },
  ytdChange: { zh: '累计同比', en: 'Cumulative y/y' },
  cityRank: { zh: '全市排名', en: 'City rank' },
  cityFlag: { zh: '全市后10/后30', en: 'City bottom 10/30' },
  status: { zh: '目标状态', en: 'Target status' },
  best: { zh: '前三', en: 'best 3' },
  worst: { zh: '后三', en: 'worst 3' },
  bestN: { zh: '前{n}名', en: 'best {n}' },
  worstN: { zh: '后{n}名', en: 'worst {n}' },
  bottom10: { zh: '后10', en: 'bottom 10' },
  bottom30: { zh: '后30', en: 'bottom 30' },
  rankedUnknown: { zh: '总数未知', en: 'count unknown' },
  noValue: { zh: '无有效数据', en: 'no valid data' },
  rankingNote: {
    zh: '按本月均值由低到高排名，数值相同者并列；标注前三、后三名。空气质量按PM2.5月均浓度排名。',
    en: 'Ranked from the lowest monthly value; equal values share a rank; the best and worst three are marked. Air quality is ranked by monthly mean PM2.5.',
  },
  unitsRanked: { zh: '共{n}个街道（乡镇）参与排名', en: '{n} streets/towns ranked' },
  districtTargets: { zh: '四、区级目标评估', en: '4. District targets' },
  period: { zh: '考核期', en: 'Period' },
  value: { zh: '数值', en: 'Value' },
  threshold: { zh: '限值', en: 'Threshold' },
  asOf: { zh: '数据截至', en: 'Data to' },
  water: { zh: '五、地表水断面水质', en: '5. Surface-water sections' },
  section: { zh: '断面', en: 'Section' },
  river: { zh: '河流', en: 'River' },
  waterClass: { zh: '水质类别', en: 'Class' },
  targetClass: { zh: '目标类别', en: 'Target class' },
  met: { zh: '是否达标', en: 'Target met' },
  yes: { zh: '达标', en: 'met' },
  no: { zh: '未达标', en: 'not met' },
  mainPollutants: { zh: '主要污染指标（超标倍数）', en: 'Main pollutants (exceedance multiple)' },
  lastYearClass: { zh: '去年同期', en: 'Last year' },
  noSample: { zh: '本月无监测数据', en: 'no sample this month' },
  noSections: { zh: '本月无断面监测数据。', en: 'No section was sampled this month.' },
  alerts: { zh: '六、未关闭的预警', en: '6. Open alerts' },
  noAlerts: { zh: '当前无未关闭的预警。', en: 'No open alerts.' },
  severity: { zh: '级别', en: 'Severity' },
  state: { zh: '状态', en: 'State' },
  opened: { zh: '发起时间', en: 'Opened' },
  acknowledged: { zh: '确认', en: 'Acknowledged' },
  subject: { zh: '对象', en: 'Concerns' },
  title: { zh: '内容', en: 'Alert' },
  noTargets: {
    zh: '本期暂无区级目标评估结果。',
    en: 'No district target has been evaluated for this period.',
  },
  page: { zh: '第 {page} 页 / 共 {pages} 页', en: 'Page {page} of {pages}' },
  waterRankNote: {
    zh: '依据2021年行动计划（001:987）“按季度通报水环境质量排名后10位”。排名依次按未达标断面数、最差水质类别、最大超标倍数由差到好，数值相同者并列。',
    en: '2021 action plan (001:987): quarterly bulletin of the ten worst streets/towns. Ordered by sections failing their target, then worst class, then largest exceedance multiple; equal keys share a rank.',
  },
  sectionsFailing: { zh: '未达标断面数', en: 'Sections failing' },
  worstClass: { zh: '最差类别', en: 'Worst class' },
  maxExceedance: { zh: '最大超标倍数', en: 'Largest exceedance' },
  sections: { zh: '断面', en: 'Sections' },
  assessedAreas: { zh: '共{n}个街道（乡镇）有断面监测数据', en: '{n} streets/towns with sampled sections' },
  noAssessed: {
    zh: '本季度无街道（乡镇）断面监测数据。',
    en: 'No street/town section was sampled this quarter.',
  },
} as const satisfies Record<string, Text>;

export type LabelKey = keyof typeof LABELS;

export function t(locale: ReportLocale, key: LabelKey, vars: Record<string, string | number> = {}): string {
  const text = LABELS[key][locale === 'zh-CN' ? 'zh' : 'en'];
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

// Verdicts, alert states and severities are the product's words, not the reports': one catalogue for all.
export {
  ALERT_STATE_LABELS,
  SEVERITY_LABELS,
  TARGET_STATUS_LABELS as STATUS_LABELS,
} from '../../labels/catalogue.js';

/** Section titles of the rankings (002:2972-2973 wording). */
export const RANKING_TITLES: Record<string, Text> = {
  pm25: { zh: '空气质量（PM2.5月均浓度）', en: 'Air quality (monthly mean PM2.5)' },
  dust_fall: { zh: '降尘量', en: 'Dust fall' },
  tsp: { zh: '粗颗粒物（TSP）浓度', en: 'TSP concentration' },
  road_dust_load: { zh: '道路尘负荷', en: 'Road dust load' },
  road_dust_residue: { zh: '道路尘土残存量', en: 'Road dust residue' },
};

export function pick(locale: ReportLocale, text: Text): string {
  return locale === 'zh-CN' ? text.zh : text.en;
}
