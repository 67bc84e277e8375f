/**
 * The demo's own database and seed. By default the demo works in `<DATABASE_URL's name>_demo`, dropped and
 * created afresh on every run, so `npm run demo` can be repeated and never touches the operational
 * database; its queues get their own prefix for the same reason. The seed is `envwatch seed`'s — the
 * reference YAML, the targets, a contact directory — with two differences: the generated stations join the
 * reference set, and the contacts are the fake ones of config/contacts.example.yaml (every address
 * @example.gov.cn), so the demo tells nobody real anything.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import type { Redis } from 'ioredis';
import type { Config } from '../../config/env.js';
import { withTransaction } from '../db/queryable.js';
import { loadContacts } from '../reference/load-contacts.js';
import type { ReferenceSet } from '../reference/reference-schema.js';
import { analyzeSeeded, seedContacts, seedReference } from '../reference/seed-reference.js';
import { loadPlanFiles } from '../targets/load-targets.js';
import { upsertPlanFile } from '../targets/target-queries.js';
import { seedTasks } from '../tasks/seed-tasks.js';
import { PROJECT_ROOT } from '../../config/paths.js';
import { generatePassword } from '../auth/password.js';
import { addDevice } from '../registry/registry.js';
import { DEMO_SOURCES } from './synthetic/delivery.js';
import { DEMO_DEVICE_PASSWORD, type DemoDevice } from './synthetic/hj212-devices.js';

export const DEMO_CONTACTS_FILE = path.join(PROJECT_ROOT, 'config/contacts.example.yaml');
export const TARGETS_DIR = path.join(PROJECT_ROOT, 'config/targets');
const TASKS_DIR = path.join(PROJECT_ROOT, 'config/tasks');
/** example.gov.cn, like every address of the example contact directory. */
export const DEMO_REPORT_RECIPIENT = 'eeb.reports@example.gov.cn';

/** `postgres://…/envwatch` → `postgres://…/envwatch_demo` (unchanged when it already ends in _demo). */
export function demoDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1)) || 'envwatch';
  url.pathname = `/${name.endsWith('_demo') ? name : `${name}_demo`}`;
  return url.toString();
}

/** The server's maintenance database (`postgres`), for checks and CREATE DATABASE. */
export function maintenanceUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/**
 * Drops and re-creates the demo database. Refuses any name not ending in `_demo`: this is the one place
 * the demo deletes a database, and it must never be the operational one.
 */
export async function resetDemoDatabase(databaseUrl: string): Promise<void> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  if (!name.endsWith('_demo')) throw new RangeError(`refusing to reset ${name}: not a demo database`);
  const admin = new pg.Client({
    connectionString: maintenanceUrl(databaseUrl),
    connectionTimeoutMillis: 5_000,
  });
  await admin.connect();
  try {
    const quoted = `"${name.replace(/"/g, '""')}"`;
    await admin.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${quoted}`);
  } finally {
    await admin.end();
  }
}

/** Deletes every key of the demo's queue prefix (jobs of an interrupted earlier run). */
export async function clearQueuePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}

export interface SeedResult {
  sites: number;
  targets: number;
  plans: number;
  contacts: number;
}

async function hasTargetFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((n) => /\.ya?ml$/.test(n));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export async function seedDemo(pool: pg.Pool, reference: ReferenceSet): Promise<SeedResult> {
  const counts = await seedReference(pool, reference);
  const plans = (await hasTargetFiles(TARGETS_DIR)) ? await loadPlanFiles(TARGETS_DIR) : [];
  const targets = await withTransaction(pool, async (tx) => {
    let n = 0;
    for (const plan of plans) n += await upsertPlanFile(tx, plan);
    return n;
  });
  // The plans' task rows (as `envwatch seed` stores them), for the replayed progress reports (issue 16).
  if (plans.length > 0) await seedTasks(pool, TASKS_DIR, reference, plans);
  const contacts = await loadContacts(DEMO_CONTACTS_FILE, reference);
  await seedContacts(pool, contacts);
  await analyzeSeeded(pool);
  return {
    sites: counts.site.inserted + counts.site.updated,
    targets,
    plans: plans.length,
    contacts: contacts.length,
  };
}

/** The dashboard's demo login: the configured initial administrator, or `demo` with a fresh password. */
export function demoLogin(base: Config): { username: string; password: string; generated: boolean } {
  if (base.INITIAL_ADMIN_USERNAME && base.INITIAL_ADMIN_PASSWORD) {
    return { username: base.INITIAL_ADMIN_USERNAME, password: base.INITIAL_ADMIN_PASSWORD, generated: false };
  }
  // The demo database is created afresh on every run, and so is its only account.
  return { username: 'demo', password: generatePassword(), generated: true };
}

/**
 * The configuration the demo's roles run with: its database, its queues, its mail server, its sources, and
 * the dashboard account the API creates at start (services/auth/initial-admin.ts).
 */
/**
 * Registers the demo's HJ 212 loggers as a user would (`envwatch device add`: the registry, audited), on the
 * demo's stations. They upload a month at a time, on the 5th of the next month like the other sources, so
 * their expected interval is a month: a logger is not "silent" between two replayed months.
 */
export async function registerDemoDevices(pool: pg.Pool, devices: readonly DemoDevice[]): Promise<void> {
  for (const d of devices) {
    await addDevice(
      pool,
      {
        mn: d.mn,
        site: d.stationId,
        name: `演示数采仪 ${d.label}`,
        password: DEMO_DEVICE_PASSWORD,
        protocol_version: d.version,
        crc_mode: d.crc,
        sm4_key: d.sm4Key,
        expected_interval_seconds: 31 * 24 * 3600,
      },
      DEMO_ACTOR,
    );
  }
}

const DEMO_ACTOR = { id: null, name: 'demo', via: 'system' } as const;

export function demoConfig(
  base: Config,
  overrides: {
    databaseUrl: string;
    queuePrefix: string;
    smtpUrl: string;
    /** The embedded catcher's directory, shown in the dashboard; null when Mailpit or another server takes the mail. */
    mailDir: string | null;
    httpPort: number;
    sourcesFile: string;
    login: { username: string; password: string };
  },
): Config {
  return {
    ...base,
    // The monthly reports go to the bureau's (fake) report address unless a list is configured.
    REPORT_EMAIL_TO: base.REPORT_EMAIL_TO.length > 0 ? base.REPORT_EMAIL_TO : [DEMO_REPORT_RECIPIENT],
    INITIAL_ADMIN_USERNAME: overrides.login.username,
    INITIAL_ADMIN_PASSWORD: overrides.login.password,
    SOURCES_FILE: overrides.sourcesFile,
    DATABASE_URL: overrides.databaseUrl,
    QUEUE_PREFIX: overrides.queuePrefix,
    SMTP_URL: overrides.smtpUrl,
    MAIL_CATCHER_DIR: overrides.mailDir ?? undefined,
    HTTP_PORT: overrides.httpPort,
    PUBLIC_BASE_URL: `http://${base.HTTP_HOST}:${overrides.httpPort}`,
    // The HJ 212 receiver the demo's loggers connect to, on a free local port.
    HJ212_HOST: '127.0.0.1',
    HJ212_PORT: 0,
    HJ212_SOURCE_ID: DEMO_SOURCES.devices,
  };
}
