/**
 * The alert and delivery settings, read once from the parsed config into durations and parsed clock
 * windows, so the lifecycle code never re-parses strings or reads the environment.
 */
import type { Config } from '../../config/env.js';
import { HOUR, MINUTE, SECOND } from '../time/shanghai.js';
import { parseClockWindow, type ClockWindow } from '../notify/quiet-hours.js';

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
  };
}
