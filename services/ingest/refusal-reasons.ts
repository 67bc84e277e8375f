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
  // HJ 212 packets refused whole by the receiver (services/hj212); the raw packet is kept, no 9014 is sent.
  HJ212_BAD_CRC: ['HJ 212 数据包 CRC 校验失败', 'the HJ 212 packet fails its CRC check'],
  HJ212_LENGTH_MISMATCH: [
    'HJ 212 数据包声明的长度与实际不符',
    "the HJ 212 packet's declared length differs from the bytes sent",
  ],
  HJ212_OVERSIZE: ['HJ 212 数据段长度超出上限', 'the HJ 212 data segment is longer than allowed'],
  HJ212_UNTERMINATED: ['HJ 212 数据包不完整（无包尾）', 'the HJ 212 packet has no tail (cut short)'],
  HJ212_UNKNOWN_MN: ['未登记的数采仪 MN', 'no device is registered with this MN'],
  HJ212_DEVICE_DISABLED: ['该数采仪已停用', 'the device is disabled in the registry'],
  HJ212_BAD_PASSWORD: ['数采仪访问密码 PW 不符', "the packet's PW does not match the device's password"],
  HJ212_WRONG_VERSION: [
    '数据包的标准版本与该设备登记的版本不符',
    'the packet is of an HJ 212 edition the device is not registered for',
  ],
  HJ212_MALFORMED: ['HJ 212 数据包格式错误', 'the HJ 212 packet is malformed'],
  HJ212_DECRYPT_FAILED: ['HJ 212 加密数据区无法解密', 'the encrypted HJ 212 data area cannot be decrypted'],
  HJ212_BAD_SPLIT: ['HJ 212 分包序号错误', 'the HJ 212 packet numbers (PNUM/PNO) are wrong'],
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
