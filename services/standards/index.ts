/**
 * National-standards library: pure functions over GB 3095, HJ 633, GB 3838 and GB/T 8170, versioned by the
 * Shanghai natural day of the observation. No I/O; every input error is a StandardsError.
 */
export { StandardsError } from './standards-error.js';
export { assertShanghaiDay, daysInMonth, isLeapYear } from './calendar-day.js';
export {
  GB3095_2026_EFFECTIVE_DAY,
  GB3095_2026_FINAL_LIMITS_DAY,
  HJ633_2026_EFFECTIVE_DAY,
  gb3095LimitStageOn,
  gb3095VersionOn,
  hj633VersionOn,
  type Gb3095LimitStage,
  type Gb3095Version,
  type Hj633Version,
} from './standard-versions.js';
export { roundGbt8170 } from './gbt8170-rounding.js';
export {
  AQI_POLLUTANTS,
  AQI_RULES,
  IAQI_STEPS,
  MAX_IAQI,
  type AqiMetric,
  type AqiPollutant,
  type SubstituteKey,
} from './aqi-breakpoints.js';
export {
  AQI_LEVELS,
  aqiLevelOf,
  computeDailyAqi,
  computeHourlyAqi,
  computeIaqi,
  isHeavyPollutionDay,
  isSeverePollutionDay,
  type AqiConcentrations,
  type AqiLevel,
  type AqiLevelInfo,
  type AqiResult,
  type HourlyAqiConcentrations,
} from './aqi.js';
export {
  gradeIILimitsForStage,
  gradeIILimitsOn,
  type GradeIILimits,
  type ParticulatePollutant,
} from './air-limits.js';
export {
  MIN_HOURS_FOR_DAILY_MEAN,
  MIN_HOURS_FOR_EIGHT_HOUR_MEAN,
  MIN_MINUTES_FOR_HOURLY_MEAN,
  MIN_VALID_DAYS_FEBRUARY,
  MIN_VALID_DAYS_PER_MONTH,
  MIN_VALID_DAYS_PER_YEAR,
  TSP_MIN_VALUES_PER_MONTH,
  TSP_MIN_VALUES_PER_YEAR,
  isAnnualMeanValid,
  isAnnualMeanValidByMonth,
  isDailyMeanValid,
  isEightHourMeanValid,
  isHourlyMeanValid,
  isMonthlyMeanValid,
  isTspAnnualMeanValid,
  isTspMonthValid,
  minValidDaysForMonth,
} from './validity.js';
export { WATER_PARAMS, WATER_PARAM_DEFINITIONS, type ParamLimits } from './water-class-limits.js';
export {
  WATER_CLASS_LABELS,
  classifyParameter,
  classifySection,
  formatWaterClass,
  meetsTarget,
  parseWaterClass,
  waterClassLimit,
  type MainPollutant,
  type ParameterOverride,
  type ParameterOverrides,
  type SectionClassification,
  type SectionOptions,
  type TargetAssessment,
  type TargetWaterClass,
  type WaterClass,
  type WaterParam,
  type Waterbody,
} from './water-class.js';
