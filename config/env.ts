/**
 * The process environment, parsed once at boot. Nothing outside `config/` reads `process.env`:
 * `loadConfig()` is called by the entry points (CLI, tests' harness) and the typed result is passed down.
 * Every invalid key is reported at once, so an operator fixes a broken `.env` in one round.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { ConfigError } from '../services/errors.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const DEV_SECRET = 'envwatch-development-secret-do-not-use-in-production';

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/envwatch'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'lower-case letters, digits, _ and - only')
    .default('envwatch'),
  // auto: TimescaleDB when the extension can be created, plain PostgreSQL partitions otherwise.
  STORAGE_MODE: z.enum(['auto', 'timescale', 'plain']).default('auto'),
  // Raw hourly rows older than this are dropped (the daily/monthly rollups stay). 0 keeps raw data forever.
  RAW_RETENTION_DAYS: z.coerce.number().int().min(0).default(0),
  // TimescaleDB only: chunks older than this are compressed. Audited data arrives early the next month,
  // so the default leaves four months of uncompressed chunks for revisions.
  COMPRESS_AFTER_DAYS: z.coerce.number().int().min(7).default(120),
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  PUBLIC_BASE_URL: z.url().default('http://127.0.0.1:8080'),
  APP_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  SMTP_URL: z.url().default('smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('envwatch 环境目标预警 <envwatch@localhost>'),
  // Which SMS provider: aliyun (Dysmsapi), tencent (SMS API 3.0) or gateway (envwatch's generic HTTP
  // protocol at SMS_GATEWAY_URL). Unset: gateway when SMS_GATEWAY_URL is set, else no SMS at all.
  SMS_PROVIDER: z.enum(['aliyun', 'tencent', 'gateway']).optional(),
  // The provider's API endpoint (aliyun: https://dysmsapi.aliyuncs.com/, tencent: https://sms.tencentcloudapi.com).
  SMS_ENDPOINT: z.url().optional(),
  // aliyun RegionId (default cn-hangzhou) / tencent X-TC-Region (default ap-guangzhou).
  SMS_REGION: z.string().min(1).optional(),
  // tencent: the SmsSdkAppId of the SMS application.
  SMS_SDK_APP_ID: z.string().min(1).optional(),
  // Characters per template variable the provider accepts (default: aliyun 35, tencent 12, gateway 35).
  SMS_VARIABLE_MAX: z.coerce.number().int().min(4).max(500).optional(),
  SMS_GATEWAY_URL: z.url().optional(),
  // aliyun AccessKeyId/AccessKeySecret, tencent SecretId/SecretKey, the gateway's key and secret.
  SMS_ACCESS_KEY: z.string().min(1).optional(),
  SMS_ACCESS_SECRET: z.string().min(1).optional(),
  // An SMS whose worker died after the request left, before the answer was recorded (providers do not
  // deduplicate): resend (never lost, a duplicate possible) or hold (never resent; an operational alert asks a person).
  SMS_AMBIGUOUS_POLICY: z.enum(['resend', 'hold']).default('resend'),
  // Alert and escalation SMS carry a short signed link to acknowledge from the phone: <SMS_ACK_BASE_URL>/a/<token>.
  // The base is fixed text of the approved templates (providers refuse links in variables): keep it short.
  SMS_ACK_LINKS: bool.default(true),
  SMS_ACK_BASE_URL: z.url().optional(),
  // An SMS with the link may take this many segments (billed each; 67 Chinese characters per segment).
  SMS_ACK_MAX_SEGMENTS: z.coerce.number().int().min(1).max(5).default(2),
  // Delivery reports are asked for SMS accepted within this many hours (poll-sms-receipts, every 2 minutes).
  SMS_RECEIPT_WINDOW_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  SMS_SIGN_NAME: z.string().min(1).default('通州生态环境'),
  SMS_DAILY_CAP_PER_PHONE: z.coerce.number().int().min(1).default(50),
  SMS_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  // ---- alerts and notifications (services/alerts, services/notify; see .env.example) ----
  // Pre-approved provider template codes, name=code pairs; names are those of services/notify/sms-templates.ts.
  SMS_TEMPLATE_CODES: z.string().default(''),
  SMS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(10),
  SMTP_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(300).default(30),
  // The whole of one e-mail send, whatever the server does; keep it below DELIVERY_LEASE_SECONDS.
  SMTP_SEND_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(90),
  SMTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100).default(8),
  // send-delivery jobs one worker process runs at once (they wait on PostgreSQL and the providers; a grouping
  // window brings hundreds due in one second). Keep DATABASE_POOL_SIZE and SMTP_MAX_CONNECTIONS in step.
  DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).max(200).default(16),
  EMAIL_RATE_PER_SECOND: z.coerce.number().positive().default(100),
  // An e-mail whose worker died after handing the whole message to SMTP, before the answer was recorded:
  // resend (same Message-ID; never lost, a duplicate possible) or hold (never resent; an operational alert asks a person).
  EMAIL_AMBIGUOUS_POLICY: z.enum(['resend', 'hold']).default('resend'),
  ALERT_ESCALATE_AFTER_MINUTES: z.coerce.number().int().min(1).default(120),
  // Hard-target at-risk warnings; 0 = never escalate them to the lead officials.
  ALERT_ESCALATE_WARNING_AFTER_MINUTES: z.coerce.number().int().min(0).default(1440),
  // Hysteresis: a target alert resolves after this many distinct data days evaluated 'met' in a row.
  ALERT_RESOLVE_AFTER_MET_DAYS: z.coerce.number().int().min(1).max(60).default(2),
  ALERT_CLOSE_AFTER_HOURS: z.coerce.number().int().min(1).default(72),
  ALERT_ACK_TOKEN_TTL_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(168),
  // A task whose due date passed more than this many days ago is history (the 调度 report lists it), not a
  // new alert: a database seeded with the 2020-2022 plans must not open hundreds of alerts on its first run.
  TASK_OVERDUE_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3660).default(60),
  // Monthly progress (按月上报进展情况, 001:554): a unit still missing a report for the month on this day of
  // the month (Asia/Shanghai; moved to the next working day when it is not one) is reminded; still missing
  // this many working days later, its tasks' lead officials (牵头领导) are told (docs/decisions.md).
  TASK_REPORT_CUTOFF_DAY: z.coerce.number().int().min(1).max(28).default(25),
  TASK_REPORT_ESCALATE_AFTER_WORKING_DAYS: z.coerce.number().int().min(1).max(20).default(3),
  // A task with a due date reminds its units this many working days before it, once each (largest first).
  TASK_DEADLINE_REMINDER_WORKING_DAYS: z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'working days before the due date, e.g. 30,7,1')
    .default('30,7,1')
    .transform((s) => [...new Set(splitList(s).map(Number))].sort((a, b) => b - a)),
  // A deadline reminder still goes this many working days after its day (a scheduler down over a weekend),
  // never later: a fresh deployment does not send every reminder whose day already passed (docs/decisions.md).
  TASK_DEADLINE_REMINDER_CATCH_UP_WORKING_DAYS: z.coerce.number().int().min(0).max(30).default(2),
  // off | soft (soft-target notices) | soft_and_at_risk (also hard-target at-risk warnings)
  ALERT_DIGEST: z.enum(['off', 'soft', 'soft_and_at_risk']).default('soft'),
  ALERT_DIGEST_TIME: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, Asia/Shanghai')
    .default('08:30'),
  // Non-urgent SMS waits for these hours (Asia/Shanghai wall clock), and for the contact's own quiet hours.
  ALERT_SMS_WORKING_HOURS: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM-HH:MM, Asia/Shanghai')
    .default('08:30-18:00'),
  // Units whose contacts receive stale-source and operational alerts (ids or names from the reference set).
  ALERT_OPS_UNITS: z.string().default('eeb'),
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DELIVERY_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  DELIVERY_RETRY_MAX_SECONDS: z.coerce.number().int().min(1).default(3600),
  // A claim on a delivery lasts this long; it must exceed the slowest send (SMTP/SMS timeouts plus the rate limit).
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5).default(120),
  // ---- issue 14 part B: grouping, working-day calendar, recovery notices ----
  // Grouping per recipient (as Alertmanager's group_wait / group_interval): what becomes due for one person
  // within group_wait goes out as one message; the next one waits at least group_interval after the last.
  // ALERT_GROUP_WAIT_SECONDS=0 turns grouping off (one message per alert and step, as before).
  ALERT_GROUP_WAIT_SECONDS: z.coerce.number().int().min(0).max(3600).default(120),
  ALERT_GROUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(1800),
  // Urgent items (hard breaches during a heavy-pollution warning, issuing/lifting a warning) wait at most this.
  ALERT_GROUP_URGENT_WAIT_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  // Statutory holidays and 调休 days beyond (or correcting) the chinese-days package (services/time/working-days.ts).
  WORKING_CALENDAR_FILE: z.string().min(1).default('config/working-calendar.yaml'),
  // working: escalation delays count working hours (ALERT_SMS_WORKING_HOURS) of working days; wall: clock time.
  ALERT_ESCALATION_CLOCK: z.enum(['working', 'wall']).default('working'),
  // Severities whose resolution sends one short "已恢复" notice to those told the alert fired (comma list).
  ALERT_RESOLVED_NOTICE_SEVERITIES: z
    .string()
    .regex(
      /^((critical|warning|notice)(,(critical|warning|notice))*)?$/,
      'comma list of critical, warning, notice',
    )
    .default('critical,warning'),
  // BullMQ job lock and stalled-job check: how soon the jobs of a dead worker run elsewhere.
  WORKER_LOCK_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  // SIGTERM/SIGINT: how long running jobs and requests may take to finish before the process exits 1 anyway
  // (its unfinished jobs are then BullMQ's stalled jobs, run again elsewhere after WORKER_LOCK_SECONDS).
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(20),
  CONTACTS_FILE: z.string().min(1).default('config/contacts.yaml'),
  DROP_DIR: z.string().min(1).default('data/drop'),
  // ---- scheduled ingestion (services/ingest; see .env.example) ----
  // The sources envwatch ingests (adapters, schedules, cadences, expected lag, settle window).
  SOURCES_FILE: z.string().min(1).default('config/sources.yaml'),
  // Secrets the sources name (HTTP pull auth headers), as JSON {"name": "value"}; never in sources.yaml.
  SOURCE_SECRETS: z
    .string()
    .default('{}')
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'JSON object of name → secret, e.g. {"municipal_feed":"…"}',
        });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.string().min(1))),
  // Long-format files larger than this are loaded through the bulk path (COPY into staging, one set-based upsert).
  INGEST_BULK_THRESHOLD_MB: z.coerce.number().positive().default(32),
  // What one ingestion door reads at most (services/ingest/limits.ts): past a bound the record (or delivery) is
  // refused with the reason and kept, and reading goes on.
  INGEST_MAX_LINE_CHARS: z.coerce
    .number()
    .int()
    .min(256)
    .default(64 * 1024),
  INGEST_MAX_FIELD_CHARS: z.coerce
    .number()
    .int()
    .min(16)
    .default(4 * 1024),
  INGEST_MAX_COLUMNS: z.coerce.number().int().min(4).default(512),
  INGEST_MAX_LINES_PER_RECORD: z.coerce.number().int().min(1).default(50),
  OUT_DIR: z.string().min(1).default('out'),
  // `npm run demo` sends its e-mail here (e.g. Mailpit: smtp://127.0.0.1:1025) instead of its embedded catcher
  // that writes out/mail/. Unset: the catcher.
  DEMO_SMTP_URL: z.url().optional(),
  // A directory of caught e-mail (the demo's out/mail/: <n>-<subject>.eml and index.json) that the dashboard shows
  // to admins under /mail. The demo sets it for its embedded catcher; unset in deployments.
  MAIL_CATCHER_DIR: z.string().min(1).optional(),
  DEFAULT_LOCALE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  ROLES: z
    .string()
    .default('scheduler,workers,api')
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(['scheduler', 'workers', 'api', 'hj212'])).min(1)),
  SCHEDULER_ENABLED: bool.default(true),
  // Moves schedules without a release: `<schedule id>=<cron expression>` pairs separated by ';' (Asia/Shanghai;
  // a six-field expression counts seconds), e.g. `reports-daily=0 10 * * *`. The ids are checked against the
  // schedule list at start (services/runtime/start-roles.ts). tests/runtime/roles.test.ts fires rollups-sweep
  // every second with it instead of waiting up to a minute for a slot.
  SCHEDULE_CRON: z.string().default('').transform(parseScheduleCron),
  // ---- targets engine (services/targets) ----
  // The daily sweep re-evaluates periods that ended up to this many days ago (audited data revise them).
  TARGETS_SWEEP_GRACE_DAYS: z.coerce.number().int().min(0).max(400).default(45),
  // ---- monthly ranking reports (services/reports; see .env.example) ----
  // A month's report is produced from this day of the next month on (audited data arrive early in the month).
  REPORT_SETTLE_DAY: z.coerce.number().int().min(1).max(28).default(5),
  // Earlier months re-checked daily for audited revisions; a changed month gets a new report version.
  REPORT_REVISION_MONTHS: z.coerce.number().int().min(0).max(12).default(3),
  REPORT_SCOPES: z.string().default('tongzhou,bda').transform(splitList),
  REPORT_LOCALES: z
    .string()
    .default('zh-CN')
    .transform(splitList)
    .pipe(z.array(z.enum(['zh-CN', 'en'])).min(1)),
  // Shared mailboxes that receive every report, comma-separated; contacts whose role names 简报/月报/通报/bulletin too.
  REPORT_EMAIL_TO: z
    .string()
    .optional()
    .transform((s) => splitList(s ?? ''))
    .pipe(z.array(z.email())),
  REPORT_EMAIL_AUTO: bool.default(true),
  // Plan years with the quarterly bulletin of the ten worst streets/towns for water (2021 plan, 001:987).
  REPORT_WATER_BULLETIN_YEARS: z
    .string()
    .default('2021')
    .transform((s) => splitList(s).map(Number))
    .pipe(z.array(z.number().int().min(2000))),
  CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
  // Issue 15: the PDF engine. pdfkit needs nothing beyond npm ci; chromium prints the HTML page (optional).
  REPORT_PDF_ENGINE: z.enum(['pdfkit', 'chromium']).default('pdfkit'),
  // API and dashboard (issue 7). A session ends at its absolute lifetime or after the idle period, first come.
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).default(120),
  // Cookies marked Secure (HTTPS only). Defaults to true in production (see loadConfig).
  COOKIE_SECURE: bool.optional(),
  // First-boot / demo administrator, created at API start when both are set and the user does not exist.
  INITIAL_ADMIN_USERNAME: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_.-]{1,62}$/, 'lower-case letters, digits, _ . -')
    .optional(),
  INITIAL_ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').optional(),
  // ---- HJ 212 receiver (services/ingest/hj212; see .env.example) ----
  // The receiver listens when HJ212_PORT is set (ROLES=hj212 runs it alone); devices come from `envwatch device add`.
  HJ212_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HJ212_HOST: z.string().min(1).default('127.0.0.1'),
  // The ingest source its batches are recorded under (source_status, refused rows, the ingest page).
  HJ212_SOURCE_ID: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'lower-case letters, digits and _')
    .default('hj212_devices'),
  HJ212_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100_000).default(5000),
  // A connection with no byte for this long is closed (loggers reconnect; 2025 ones send a heartbeat).
  HJ212_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(5).default(600),
  // A half packet waiting longer than this is dropped.
  HJ212_HALF_PACKET_SECONDS: z.coerce.number().int().min(1).default(30),
  // Largest declared data-segment length (the standard: 1024); a longer one is refused at once.
  HJ212_MAX_SEGMENT: z.coerce.number().int().min(64).max(9999).default(1024),
  // Refused packets in a row after which a connection is a flood and is closed.
  HJ212_MAX_REFUSALS_IN_ROW: z.coerce.number().int().min(1).default(20),
  // Group commit: a round starts this long after its first packet (or at HJ212_COMMIT_MAX_ROWS values).
  HJ212_COMMIT_DELAY_MS: z.coerce.number().int().min(0).max(5000).default(20),
  HJ212_COMMIT_MAX_ROWS: z.coerce.number().int().min(1).default(5000),
  HJ212_COMMIT_PARALLEL: z.coerce.number().int().min(1).max(16).default(2),
  // A data packet older than this is history (补传) even without the 2025 RF=1 marker.
  HJ212_HISTORY_AFTER_HOURS: z.coerce.number().positive().default(6),
  // Split packets (PNUM/PNO) not all seen within this long are reported incomplete.
  HJ212_SPLIT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(600),
  // Values whose command's period is not the metric's (minute/real-time air data): skip = acknowledge and count
  // as not stored; refuse = keep each as a refused row (MISALIGNED_TIMESTAMP) to list and inspect.
  HJ212_OFF_RESOLUTION_VALUES: z.enum(['skip', 'refuse']).default('skip'),
  // GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`. Unset, it answers 401 unless METRICS_PUBLIC
  // says the network in front of it is trusted (issue #20: metrics were open to anybody).
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  METRICS_PUBLIC: bool.default(false),
  // ---- reliability bounds (issue #20; docs/operations.md) ----
  // Whose X-Forwarded-For to believe for the client address (audit log, sessions, login throttling): unset or
  // false = nobody, the socket address is the client; a comma list of proxy addresses/CIDRs; true = any hop.
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((s): boolean | string[] =>
      s === 'true' ? true : s === 'false' || s === '' ? false : splitList(s),
    ),
  // A database connection not made within this long fails the request fast (503 + Retry-After), instead of the
  // 10 s the pool used to wait while PostgreSQL was down.
  PG_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(200).max(60_000).default(3000),
  // JSON request bodies nesting deeper than this are refused before parsing (a deep body spun JSON.parse for 50 s).
  JSON_MAX_DEPTH: z.coerce.number().int().min(4).max(1000).default(64),
  // Files (drop directory, bulk CLI) larger than this are refused before reading, with their batch.
  INGEST_MAX_FILE_MB: z.coerce.number().positive().default(1024),
  // XLSX: refused before inflating when its ZIP directory declares more than this uncompressed, or an entry
  // inflating more than XLSX_MAX_RATIO times its compressed size (zip bombs; 720 KB used to become 600 MB).
  XLSX_MAX_UNCOMPRESSED_MB: z.coerce.number().positive().default(256),
  XLSX_MAX_RATIO: z.coerce.number().min(10).default(200),
  // A file-drop claim whose worker has not touched it for this long belongs to a dead worker: the file goes
  // back to the directory and its batch is marked failed (it used to wait an hour and stay "running").
  FILE_CLAIM_STALE_SECONDS: z.coerce.number().int().min(10).default(300),
});

export type Config = Omit<z.infer<typeof schema>, 'APP_SECRET' | 'COOKIE_SECURE'> & {
  APP_SECRET: string;
  COOKIE_SECURE: boolean;
  BUSINESS_TIME_ZONE: 'Asia/Shanghai';
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const given = stripEmpty(env);
  const parsed = schema.safeParse(given);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (parsed.success && parsed.data.NODE_ENV === 'production') {
    if (!parsed.data.APP_SECRET)
      problems.push('APP_SECRET: required in production (signs acknowledgement links)');
    if (parsed.data.SMS_GATEWAY_URL && (!parsed.data.SMS_ACCESS_KEY || !parsed.data.SMS_ACCESS_SECRET)) {
      problems.push('SMS_ACCESS_KEY/SMS_ACCESS_SECRET: required when SMS_GATEWAY_URL is set');
    }
  }
  if (parsed.success) problems.push(...smsProviderProblems(parsed.data));
  if (parsed.success && parsed.data.ROLES.includes('hj212') && parsed.data.HJ212_PORT === undefined) {
    problems.push('HJ212_PORT: required when ROLES includes hj212 (the port the receiver listens on)');
  }
  if (parsed.success && !parsed.data.INITIAL_ADMIN_USERNAME !== !parsed.data.INITIAL_ADMIN_PASSWORD) {
    problems.push('INITIAL_ADMIN_USERNAME/INITIAL_ADMIN_PASSWORD: set both or neither');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  return {
    ...parsed.data,
    // Development and test machines get a fixed secret so acknowledgement links survive restarts;
    // production refuses to start without one (checked above).
    APP_SECRET: parsed.data.APP_SECRET ?? DEV_SECRET,
    COOKIE_SECURE: parsed.data.COOKIE_SECURE ?? parsed.data.NODE_ENV === 'production',
    BUSINESS_TIME_ZONE: 'Asia/Shanghai',
    ROLES: defaultRoles(parsed.data, given.ROLES !== undefined),
  };
}

/** `id=cron;id=cron` → { id: cron }; every malformed pair and invalid expression is reported, by id. */
function parseScheduleCron(value: string, ctx: z.RefinementCtx): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9-]+)\s*=\s*(.+)$/.exec(pair);
    if (!m) {
      ctx.addIssue({ code: 'custom', message: `"${pair}": expected <schedule id>=<cron expression>` });
    } else if (m[1]! in out) {
      ctx.addIssue({ code: 'custom', message: `${m[1]}: given twice` });
    } else if (!cron.validate(m[2]!.trim())) {
      ctx.addIssue({ code: 'custom', message: `${m[1]}: "${m[2]!.trim()}" is not a cron expression` });
    } else {
      out[m[1]!] = m[2]!.trim();
    }
  }
  return out;
}

/**
 * A process runs exactly the roles ROLES names, so a worker or scheduler replica sharing the receiver's env
 * file (HJ212_PORT set) does not open a second listener. Left unset, ROLES is the one-process shape: scheduler,
 * workers and API, plus the HJ 212 receiver when HJ212_PORT is set (as `envwatch start` has always done).
 */
function defaultRoles(c: z.infer<typeof schema>, rolesGiven: boolean): z.infer<typeof schema>['ROLES'] {
  if (rolesGiven || c.HJ212_PORT === undefined || c.ROLES.includes('hj212')) return c.ROLES;
  return [...c.ROLES, 'hj212'];
}

/** A provider chosen by name must have what it needs to send (every environment: SMS would silently not go). */
function smsProviderProblems(c: z.infer<typeof schema>): string[] {
  const problems: string[] = [];
  if (!c.SMS_PROVIDER) return problems;
  if (!c.SMS_ACCESS_KEY || !c.SMS_ACCESS_SECRET) {
    problems.push(`SMS_ACCESS_KEY/SMS_ACCESS_SECRET: required with SMS_PROVIDER=${c.SMS_PROVIDER}`);
  }
  if (c.SMS_PROVIDER === 'tencent' && !c.SMS_SDK_APP_ID) {
    problems.push('SMS_SDK_APP_ID: required with SMS_PROVIDER=tencent (the SmsSdkAppId)');
  }
  if (c.SMS_PROVIDER === 'gateway' && !c.SMS_GATEWAY_URL) {
    problems.push('SMS_GATEWAY_URL: required with SMS_PROVIDER=gateway');
  }
  return problems;
}

/** `a, b,,c` → ['a', 'b', 'c'] for comma-separated keys. */
function splitList(s: string): string[] {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
}

/** Treat `KEY=` in a .env file as unset, so defaults apply instead of an empty string. */
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
