/**
 * The process environment, parsed once at boot. Nothing outside `config/` reads `process.env`:
 * `loadConfig()` is called by the entry points (CLI, tests' harness) and the typed result is passed down.
 * Every invalid key is reported at once, so an operator fixes a broken `.env` in one round.
 */
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
  SMS_GATEWAY_URL: z.url().optional(),
  SMS_ACCESS_KEY: z.string().min(1).optional(),
  SMS_ACCESS_SECRET: z.string().min(1).optional(),
  SMS_SIGN_NAME: z.string().min(1).default('通州生态环境'),
  SMS_DAILY_CAP_PER_PHONE: z.coerce.number().int().min(1).default(50),
  SMS_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  CONTACTS_FILE: z.string().min(1).default('config/contacts.yaml'),
  DROP_DIR: z.string().min(1).default('data/drop'),
  OUT_DIR: z.string().min(1).default('out'),
  DEFAULT_LOCALE: z.enum(['zh-CN', 'en']).default('zh-CN'),
  ROLES: z
    .string()
    .default('scheduler,workers,api')
    .transform((s) => s.split(',').map((r) => r.trim()))
    .pipe(z.array(z.enum(['scheduler', 'workers', 'api'])).min(1)),
  SCHEDULER_ENABLED: bool.default(true),
  // API and dashboard (issue 7). A session ends at its absolute lifetime or after the idle period, first come.
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(5).default(120),
  // Cookies marked Secure (HTTPS only). Defaults to true in production (see loadConfig).
  COOKIE_SECURE: bool.optional(),
  // First-boot / demo administrator, created at API start when both are set and the user does not exist.
  INITIAL_ADMIN_USERNAME: z.string().regex(/^[a-z0-9][a-z0-9_.-]{1,62}$/, 'lower-case letters, digits, _ . -').optional(),
  INITIAL_ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').optional(),
  // When set, GET /metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset, it is open to the network.
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
});

export type Config = Omit<z.infer<typeof schema>, 'APP_SECRET' | 'COOKIE_SECURE'> & {
  APP_SECRET: string;
  COOKIE_SECURE: boolean;
  BUSINESS_TIME_ZONE: 'Asia/Shanghai';
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(stripEmpty(env));
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  if (parsed.success && parsed.data.NODE_ENV === 'production') {
    if (!parsed.data.APP_SECRET) problems.push('APP_SECRET: required in production (signs acknowledgement links)');
    if (parsed.data.SMS_GATEWAY_URL && (!parsed.data.SMS_ACCESS_KEY || !parsed.data.SMS_ACCESS_SECRET)) {
      problems.push('SMS_ACCESS_KEY/SMS_ACCESS_SECRET: required when SMS_GATEWAY_URL is set');
    }
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
  };
}

/** Treat `KEY=` in a .env file as unset, so defaults apply instead of an empty string. */
function stripEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
