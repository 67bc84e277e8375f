/**
 * Why a row was refused. Codes are stable (tests, listings and `envwatch reprocess --reason` use them); the
 * stored detail is Chinese first with English after it, followed by what exactly was wrong.
 */
export const REFUSAL_REASONS = {
  MISSING_FIELD: ['必填字段为空', 'a required field is empty'],
  BAD_TIMESTAMP: ['时间不是 ISO 8601 格式', 'the time is not an ISO 8601 timestamp'],
  MISSING_TIMEZONE: ['时间缺少时区（请写 +08:00 或 Z）', 'the time has no zone offset (write +08:00 or Z)'],
  FUTURE_TIMESTAMP: ['时间晚于当前时间', 'the time is in the future'],
  BEYOND_RETENTION: [
    '早于原始数据保留期限，该时段的原始数据已不再保存',
    'older than the raw-data retention window (RAW_RETENTION_DAYS): raw data of that time is no longer kept',
  ],
  MISALIGNED_TIMESTAMP: ['时间与数据周期不对齐', "the time is not the start of the metric's period"],
  UNKNOWN_SERIES: [
    '未知的站点、点位或街道乡镇（无此编号或别名）',
    'no station, site or street/town has this id or alias',
  ],
  SERIES_NOT_VALID_THEN: [
    '该街道乡镇或点位在此时间不存在',
    'the street/town or site did not exist at that time',
  ],
  UNKNOWN_METRIC: ['未知的监测指标', 'unknown metric'],
  METRIC_NOT_FOR_SERIES: ['该点位不监测此指标', 'this kind of site does not measure this metric'],
  UNIT_NOT_ACCEPTED: ['该指标不接受此单位', 'the unit is not accepted for this metric'],
  NOT_A_NUMBER: ['数值不是有限数字', 'the value is not a finite number'],
  NEGATIVE_VALUE: ['数值为负', 'the value is negative'],
  IMPLAUSIBLE_VALUE: ['数值超出该指标的合理范围', 'the value is outside the plausible range for this metric'],
  BAD_VERSION: [
    '数据版本应为 provisional（实时）或 audited（审核）',
    'data version must be provisional or audited',
  ],
  DUPLICATE_IN_BATCH: [
    '同一批次中重复出现相同的点位、指标和时间',
    'the same series, metric and time appear twice in this batch',
  ],
  SUPERSEDED_BY_AUDITED: [
    '该时段已有审核数据，实时数据不覆盖审核数据',
    'an audited value exists; a provisional value does not replace it',
  ],
  UNKNOWN_DISTRICT: ['未知的区', 'unknown district'],
  UNKNOWN_AREA: ['本区未知的街道乡镇', 'a street/town of a watched district that is not known'],
  BAD_PERIOD: [
    '排名期间应为 YYYY-MM 或 YYYY-MM 上/下半月',
    'the ranking period must be YYYY-MM or YYYY-MM H1/H2',
  ],
  BAD_RANK: [
    '排名须为正整数且不大于参排数',
    'rank must be a positive integer no larger than the number ranked',
  ],
  BAD_RANGE: ['结束时间须晚于开始时间', 'the end must be later than the start'],
  BAD_LEVEL: ['预警级别应为 蓝/黄/橙/红', 'the warning level must be blue, yellow, orange or red'],
} as const satisfies Record<string, readonly [string, string]>;

export type RefusalCode = keyof typeof REFUSAL_REASONS;

export interface Refusal {
  ok: false;
  code: RefusalCode;
  detail: string;
}

export function refuse(code: RefusalCode, extra?: string): Refusal {
  const [zh, en] = REFUSAL_REASONS[code];
  return { ok: false, code, detail: extra ? `${zh}（${en}）：${extra}` : `${zh}（${en}）` };
}

export function isRefusalCode(code: string): code is RefusalCode {
  return Object.prototype.hasOwnProperty.call(REFUSAL_REASONS, code);
}
