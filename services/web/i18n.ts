/**
 * Dashboard texts, Chinese first, English available. The language comes from ?lang= (remembered in a
 * cookie), then the cookie, then the user's preference, then DEFAULT_LOCALE.
 */
import {
  ALERT_STATE_LABELS,
  capitalised,
  SEVERITY_LABELS,
  TARGET_STATUS_LABELS,
  type AlertStateKey,
  type Bilingual,
  type LabelLanguage,
  type SeverityKey,
  type TargetStatusKey,
} from '../labels/catalogue.js';

export type Locale = 'zh-CN' | 'en';

const zh = {
  appName: '环境目标监测',
  overview: '概览',
  alerts: '预警',
  reports: '报告',
  ingestion: '数据接入',
  queues: '队列',
  mailbox: '邮件（演示）',
  mailboxIntro: '演示中发出的全部邮件（收件服务器为内置的 SMTP 收件器），按时间倒序。',
  noMail: '尚无邮件。',
  subject: '主题',
  from: '发件人',
  to: '收件人',
  sentAt: '时间',
  attachments: '附件',
  downloadEml: '下载 .eml（可用邮件客户端打开）',
  apiDocs: 'API 文档',
  logout: '退出',
  login: '登录',
  username: '用户名',
  password: '密码',
  loginFailed: '用户名或密码错误，或账号已锁定。',
  loginTitle: '登录 envwatch',
  switchLang: 'English',
  districtOverview: '{district} {year}年 概览',
  ytdPm25: '累计PM2.5',
  target: '目标',
  lastYearSame: '去年同期',
  change: '同比',
  heavyDays: '重污染天数',
  excludingSandDust: '扣除沙尘',
  validDays: '有效天数',
  asOf: '截至',
  unit: '微克/立方米',
  openAlerts: '未处理预警',
  status_none: '暂无评估',
  streetsTowns: '街道乡镇',
  targets: '目标任务',
  period: '期间',
  value: '数值',
  threshold: '限值',
  explanation: '说明',
  trend: 'PM2.5 走势',
  monthly: '月均值',
  last30: '近30日日均值',
  district: '全区',
  ranks: '排名',
  districtRank: '区内排名',
  cityRank: '全市排名',
  month: '月份',
  noData: '暂无数据',
  state: '状态',
  severity: '级别',
  opened: '发生时间',
  acknowledge: '确认',
  acknowledged: '已确认',
  comment: '备注',
  all: '全部',
  filter: '筛选',
  ackBy: '{who} 于 {at} 确认',
  kind: '类型',
  version: '版本',
  dataVersion: '数据版本',
  produced: '生成时间',
  files: '文件',
  sources: '数据源',
  lastSuccess: '最近成功',
  newestData: '最新数据',
  lastBatch: '最近批次',
  refusedRows: '被拒绝的数据',
  hj212Devices: 'HJ 212 数采仪',
  hj212Site: '点位',
  hj212LastSeen: '最后通信',
  hj212Packets: '数据包（已应答）',
  hj212Rows: '数值',
  hj212Refusals: '拒收（按原因）',
  hj212Crc: 'CRC 算法',
  reason: '原因',
  rawRow: '原始数据',
  reprocess: '重新处理',
  discard: '作废',
  batch: '批次',
  received: '接收',
  refused: '拒绝',
  noAlerts: '当前没有预警。',
  noReports: '尚无归档报告。',
  noRefused: '没有待处理的被拒数据。',
  provisional: '实时数据',
  audited: '审核数据',
  errorTitle: '出错了',
  back: '返回',
  forbidden: '无权访问此内容。',
  notFound: '未找到。',
  done: '已完成。',
  stillRefused: '仍被拒绝：{reason}',
  readOnly: '只读账号',
  more: '更多',
  heavyTarget: '全年不超过{n}天（扣除沙尘影响）',
  heavyDaysDetail: '已扣除沙尘影响；含沙尘共{n}天',
  districtTargets: '区级目标',
} as const;

/** Words for states come from the one label catalogue, under the keys the pages already use. */
type StateMessageKey = `status_${TargetStatusKey}` | `state_${AlertStateKey}` | `severity_${SeverityKey}`;

export type MessageKey = keyof typeof zh | StateMessageKey;

const en: Record<keyof typeof zh, string> = {
  appName: 'envwatch',
  overview: 'Overview',
  alerts: 'Alerts',
  reports: 'Reports',
  ingestion: 'Ingestion',
  queues: 'Queues',
  mailbox: 'Mail (demo)',
  mailboxIntro: 'Every e-mail the demo sent (to its embedded SMTP catcher), newest first.',
  noMail: 'No mail yet.',
  subject: 'Subject',
  from: 'From',
  to: 'To',
  sentAt: 'Time',
  attachments: 'Attachments',
  downloadEml: 'Download .eml (opens in a mail client)',
  apiDocs: 'API docs',
  logout: 'Log out',
  login: 'Log in',
  username: 'Username',
  password: 'Password',
  loginFailed: 'Wrong username or password, or the account is locked.',
  loginTitle: 'Log in to envwatch',
  switchLang: '中文',
  districtOverview: '{district} {year} overview',
  ytdPm25: 'PM2.5 year to date',
  target: 'Target',
  lastYearSame: 'Same period last year',
  change: 'Change',
  heavyDays: 'Heavy-pollution days',
  excludingSandDust: 'excl. sand-dust',
  validDays: 'valid days',
  asOf: 'as of',
  unit: 'µg/m³',
  openAlerts: 'Open alerts',
  status_none: 'Not evaluated',
  streetsTowns: 'Streets and towns',
  targets: 'Targets',
  period: 'Period',
  value: 'Value',
  threshold: 'Limit',
  explanation: 'Explanation',
  trend: 'PM2.5 trend',
  monthly: 'Monthly means',
  last30: 'Daily means, last 30 days',
  district: 'District',
  ranks: 'Rankings',
  districtRank: 'Rank in district',
  cityRank: 'City-wide rank',
  month: 'Month',
  noData: 'No data',
  state: 'State',
  severity: 'Severity',
  opened: 'Opened',
  acknowledge: 'Acknowledge',
  acknowledged: 'Acknowledged',
  comment: 'Comment',
  all: 'All',
  filter: 'Filter',
  ackBy: 'acknowledged by {who} at {at}',
  kind: 'Kind',
  version: 'Version',
  dataVersion: 'Data version',
  produced: 'Produced',
  files: 'Files',
  sources: 'Sources',
  lastSuccess: 'Last success',
  newestData: 'Newest data',
  lastBatch: 'Last batch',
  refusedRows: 'Refused rows',
  hj212Devices: 'HJ 212 devices',
  hj212Site: 'Site',
  hj212LastSeen: 'Last seen',
  hj212Packets: 'Packets (acknowledged)',
  hj212Rows: 'Values',
  hj212Refusals: 'Refused (by reason)',
  hj212Crc: 'CRC variant',
  reason: 'Reason',
  rawRow: 'Raw row',
  reprocess: 'Re-process',
  discard: 'Discard',
  batch: 'Batch',
  received: 'Received',
  refused: 'Refused',
  noAlerts: 'No alerts right now.',
  noReports: 'No archived reports yet.',
  noRefused: 'No refused rows waiting.',
  provisional: 'provisional',
  audited: 'audited',
  errorTitle: 'Something went wrong',
  back: 'Back',
  forbidden: 'You may not see this.',
  notFound: 'Not found.',
  done: 'Done.',
  stillRefused: 'Still refused: {reason}',
  readOnly: 'read-only account',
  more: 'More',
  heavyTarget: 'at most {n} days a year (excl. sand-dust)',
  heavyDaysDetail: 'excluding sand-dust days; {n} in all',
  districtTargets: 'District targets',
};

function prefixed(prefix: string, table: Readonly<Record<string, Bilingual>>, language: LabelLanguage) {
  // The dashboard's English badges start with a capital ("Met"); the catalogue keeps sentence case.
  const word = (b: Bilingual) => (language === 'en' ? capitalised(b.en) : b.zh);
  return Object.fromEntries(Object.entries(table).map(([k, b]) => [`${prefix}${k}`, word(b)]));
}

function stateMessages(language: LabelLanguage): Record<StateMessageKey, string> {
  return {
    ...prefixed('status_', TARGET_STATUS_LABELS, language),
    ...prefixed('state_', ALERT_STATE_LABELS, language),
    ...prefixed('severity_', SEVERITY_LABELS, language),
  } as Record<StateMessageKey, string>;
}

const MESSAGES: Record<Locale, Record<MessageKey, string>> = {
  'zh-CN': { ...zh, ...stateMessages('zh') },
  en: { ...en, ...stateMessages('en') },
};

export type WordTranslate<K extends string> = (key: K, params?: Record<string, string | number>) => string;
export type Translate = WordTranslate<MessageKey>;

/** {name} placeholders filled from params; an unknown one is left as written, so a missing param shows. */
function lookup<K extends string>(words: Record<K, string>): WordTranslate<K> {
  return (key, params) => words[key].replace(/\{(\w+)\}/g, (_, k: string) => String(params?.[k] ?? `{${k}}`));
}

export function translator(locale: Locale): Translate {
  return lookup(MESSAGES[locale]);
}

/**
 * A page family's word book (dash-words, ops-words, task-words): kept beside its pages so they grow without
 * every page engineer editing this table, looked up like the shared messages.
 */
export function wordBook<K extends string>(
  zhWords: Record<K, string>,
  enWords: Record<K, string>,
): (locale: Locale) => WordTranslate<K> {
  return (locale) => lookup(locale === 'en' ? enWords : zhWords);
}

export function parseLocale(v: unknown): Locale | null {
  if (v === 'en' || v === 'en-US' || v === 'en-GB') return 'en';
  if (v === 'zh' || v === 'zh-CN' || v === 'cn') return 'zh-CN';
  return null;
}

/** Picks the name column for the locale: name_zh / name_en. */
export function localName(locale: Locale, zhName: string, enName: string | null | undefined): string {
  return locale === 'en' && enName ? enName : zhName;
}
