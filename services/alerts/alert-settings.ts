/**
 * The alert and delivery settings, read once from the parsed config into durations and parsed clock
 * windows, so the lifecycle code never re-parses strings or reads the environment.
 */
import type { Config } from '../../config/env.js';
import { HOUR, MINUTE, SECOND } from '../time/shanghai.js';
import type { Grouping } from '../notify/group-deliveries.js';
import type { PlanContext } from '../notify/plan-deliveries.js';
import { parseClockWindow, type ClockWindow } from '../notify/quiet-hours.js';
import { loadWorkingCalendar, type WorkingCalendar } from '../time/working-days.js';

export type DigestMode = Config['ALERT_DIGEST'];

export interface AlertSettings {
  escalateCriticalAfterMs: number;
  /** null: hard-target at-risk warnings never escalate to the lead officials. */
  escalateWarningAfterMs: number | null;
  resolveAfterMetDays: number;
  closeAfterMs: number;
  ackTokenTtlMs: number;
  digest: DigestMode;
  /** Minutes after Shanghai midnight. */
  digestAtMinute: number;
  smsWorkingHours: ClockWindow;
  opsUnits: string[];
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseMs: number;
  emailAmbiguousPolicy: Config['EMAIL_AMBIGUOUS_POLICY'];
  smsAmbiguousPolicy: Config['SMS_AMBIGUOUS_POLICY'];
  smsDailyCapPerPhone: number;
  publicBaseUrl: string;
  appSecret: string;
  /** China's working days (holidays, 调休): escalation delays, SMS working hours, the digest. */
  calendar: WorkingCalendar;
  /** 'working': escalation delays count working hours of working days only. */
  escalationClock: Config['ALERT_ESCALATION_CLOCK'];
  /** Per recipient grouping; null when off (ALERT_GROUP_WAIT_SECONDS=0). */
  grouping: GroupingSettings | null;
  /** Severities whose resolution is announced ("已恢复") to those who were told the alert fired. */
  resolvedNoticeSeverities: ReadonlySet<string>;
}

export type GroupingSettings = Grouping;

/** How the alerts layer plans deliveries now: working hours on working days, grouping per recipient. */
/** `since`: when what is planned became due (grouping's window opens then; plan-deliveries.ts). */
export function planContext(
  now: Date,
  smsEnabled: boolean,
  s: AlertSettings,
  since: Date | null = null,
): PlanContext {
  return {
    now,
    since,
    smsEnabled,
    workingHours: s.smsWorkingHours,
    calendar: s.calendar,
    grouping: s.grouping,
  };
}

/** The override file is read once per path: settings are built at boot and again by each test harness. */
const calendars = new Map<string, WorkingCalendar>();
function calendarFor(path: string): WorkingCalendar {
  let c = calendars.get(path);
  if (!c) calendars.set(path, (c = loadWorkingCalendar(path)));
  return c;
}

export function alertSettings(config: Config): AlertSettings {
  const [h, m] = config.ALERT_DIGEST_TIME.split(':').map(Number) as [number, number];
  return {
    escalateCriticalAfterMs: config.ALERT_ESCALATE_AFTER_MINUTES * MINUTE,
    escalateWarningAfterMs:
      config.ALERT_ESCALATE_WARNING_AFTER_MINUTES === 0
        ? null
        : config.ALERT_ESCALATE_WARNING_AFTER_MINUTES * MINUTE,
    resolveAfterMetDays: config.ALERT_RESOLVE_AFTER_MET_DAYS,
    closeAfterMs: config.ALERT_CLOSE_AFTER_HOURS * HOUR,
    ackTokenTtlMs: config.ALERT_ACK_TOKEN_TTL_HOURS * HOUR,
    digest: config.ALERT_DIGEST,
    digestAtMinute: h * 60 + m,
    smsWorkingHours: parseClockWindow(config.ALERT_SMS_WORKING_HOURS),
    opsUnits: config.ALERT_OPS_UNITS.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
    retryBaseMs: config.DELIVERY_RETRY_BASE_SECONDS * SECOND,
    retryMaxMs: config.DELIVERY_RETRY_MAX_SECONDS * SECOND,
    leaseMs: config.DELIVERY_LEASE_SECONDS * SECOND,
    emailAmbiguousPolicy: config.EMAIL_AMBIGUOUS_POLICY,
    smsAmbiguousPolicy: config.SMS_AMBIGUOUS_POLICY,
    smsDailyCapPerPhone: config.SMS_DAILY_CAP_PER_PHONE,
    publicBaseUrl: config.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    appSecret: config.APP_SECRET,
    calendar: calendarFor(config.WORKING_CALENDAR_FILE),
    escalationClock: config.ALERT_ESCALATION_CLOCK,
    grouping:
      config.ALERT_GROUP_WAIT_SECONDS === 0
        ? null
        : {
            waitMs: config.ALERT_GROUP_WAIT_SECONDS * SECOND,
            intervalMs: config.ALERT_GROUP_INTERVAL_SECONDS * SECOND,
            urgentWaitMs:
              Math.min(config.ALERT_GROUP_URGENT_WAIT_SECONDS, config.ALERT_GROUP_WAIT_SECONDS) * SECOND,
          },
    resolvedNoticeSeverities: new Set(
      config.ALERT_RESOLVED_NOTICE_SEVERITIES.split(',').filter((s) => s !== ''),
    ),
  };
}
