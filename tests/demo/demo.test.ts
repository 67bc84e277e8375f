/**
 * `npm run demo` over one quarter, against this file's own database and queue prefix, without the
 * dashboard: every generated row is received, every planted bad row refused for its reason, and the year's
 * story reaches the officials (alerts, e-mails in out/mail/).
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { runDemo, type DemoRun } from '../../services/demo/run-demo.js';
import { collectTaskDispatch } from '../../services/reports/collect-task-dispatch.js';
import { DEFAULT_DEMO_OPTIONS } from '../../services/demo/synthetic/dataset.js';
import { MAIL_INDEX, type CaughtMailEntry } from '../../services/demo/mail-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const db = useTestDatabase();
const prefix = uniqueQueuePrefix();
let outDir: string;
let demo: DemoRun;
const lines: string[] = [];

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-demo-'));
  const config = loadConfig({
    ...process.env,
    OUT_DIR: outDir,
    DROP_DIR: path.join(outDir, 'drop'),
    // No dashboard, but a port nobody else's test server would be listening on.
    HTTP_PORT: '0',
  });
  demo = await runDemo(
    config,
    {
      ...DEFAULT_DEMO_OPTIONS,
      months: 3,
      serve: false,
      databaseUrl: db.url,
      queuePrefix: prefix,
      stepTimeoutMs: 5 * 60_000,
    },
    (line) => lines.push(line),
  );
}, 20 * 60_000);

afterAll(async () => {
  const redis = createTestRedis();
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
  await rm(outDir, { recursive: true, force: true });
});

test('every generated row is received, and no batch failed', async () => {
  const s = demo.summary;
  // First the failed batches with their reasons: a quarter once ended 12 rows short because one BDA workbook's
  // batch failed ("no header row"), which the row count alone did not say.
  const { rows: failed } = await db.pool.query<{ origin: string; error: string }>(
    `SELECT origin, error FROM ingest_batch WHERE status = 'failed' ORDER BY id`,
  );
  expect(failed).toEqual([]);
  expect(s.rows.received).toBe(s.expected.rows);
  expect(s.rows.received).toBe(s.rows.inserted + s.rows.updated + s.rows.unchanged + s.rows.refused);
  expect(s.rows.failedBatches).toBe(0);
  expect(s.failedJobs).toEqual({ failed: 0, retrying: 0 });
  // Two quarters of hourly PM2.5 and PM10 at 52 stations, less the gaps.
  expect(s.rows.received).toBeGreaterThan(450_000);
});

test('the bad rows are refused for the reasons they were planted for, and nothing else is', () => {
  expect(demo.summary.refusedByReason).toEqual(demo.summary.expected.refusedByReason);
  expect(demo.summary.refusedByReason).toEqual({
    NEGATIVE_VALUE: 2,
    IMPLAUSIBLE_VALUE: 1,
    FUTURE_TIMESTAMP: 2,
    UNKNOWN_SERIES: 3,
    MISSING_TIMEZONE: 1,
  });
});

test('the audited January revised the provisional one instead of adding rows', async () => {
  const { rows } = await db.pool.query<{ revised: number }>(
    `SELECT count(*)::int AS revised FROM measurement_revision WHERE ts >= '2023-12-31T16:00:00Z' AND ts < '2024-01-31T16:00:00Z'`,
  );
  expect(rows[0]!.revised).toBeGreaterThan(50_000);
  const audited = demo.summary.bySource.find((b) => b.sourceId === 'demo_station_audited');
  expect(audited?.updated).toBeGreaterThan(50_000);
});

test('the sand-dust period and the heavy-pollution warning were recorded through their adapters', async () => {
  expect(demo.summary.inputs).toEqual({ sandDustPeriods: 1, warnings: 1 });
  const { rows } = await db.pool.query<{ lifted: boolean }>(
    `SELECT lifted_at IS NOT NULL AS lifted FROM heavy_pollution_warning`,
  );
  expect(rows).toEqual([{ lifted: true }]);
});

test('targets were evaluated, alerts raised and e-mailed, and every e-mail sent landed in out/mail/', async () => {
  const s = demo.summary;
  expect(s.evaluationRuns).toBeGreaterThan(0);
  expect(s.alerts.filter((a) => a.kind === 'target').reduce((n, a) => n + a.n, 0)).toBeGreaterThan(0);
  expect(s.alerts.some((a) => a.kind === 'heavy_pollution_warning')).toBe(true);
  const alertMail = s.deliveries
    .filter((d) => d.channel === 'email' && d.status === 'sent')
    .reduce((n, d) => n + d.n, 0);
  expect(alertMail).toBeGreaterThan(0);
  const sent = alertMail + s.reports.emailsSent;
  expect(s.mail.count).toBe(sent);
  const index = JSON.parse(
    await readFile(path.join(outDir, 'mail', MAIL_INDEX), 'utf8'),
  ) as CaughtMailEntry[];
  expect(index).toHaveLength(sent);
  const files = (await readdir(path.join(outDir, 'mail'))).filter((f) => f.endsWith('.eml'));
  expect(files.sort()).toEqual(index.map((e) => e.file).sort());
});

test('each replayed month has its report for each district, archived under out/reports/', async () => {
  const { rows } = await db.pool.query<{ period_key: string; scope_id: string }>(
    `SELECT DISTINCT period_key, scope_id FROM report WHERE kind = 'monthly' ORDER BY 1, 2`,
  );
  expect(rows).toEqual(
    ['2024-01', '2024-02', '2024-03'].flatMap((period_key) =>
      ['bda', 'tongzhou'].map((scope_id) => ({ period_key, scope_id })),
    ),
  );
  // The 调度 report of the units' task progress, one per replayed month and district.
  const { rows: dispatch } = await db.pool.query<{ period_key: string }>(
    `SELECT DISTINCT period_key FROM report WHERE kind = 'task_dispatch' AND scope_id = 'tongzhou' ORDER BY 1`,
  );
  expect(dispatch.map((r) => r.period_key)).toEqual(['2024-01', '2024-02', '2024-03']);
  // Its section 四 lists the units' manual indicators: February's planted spill of 75 minutes, breached.
  const feb = await collectTaskDispatch(db.pool, { scopeId: 'tongzhou', month: '2024-02' });
  expect(feb.manualIndicators).toContainEqual(
    expect.objectContaining({ indicatorId: 'TZ24-OPS-01b', value: 75, verdict: 'breached' }),
  );
  expect(demo.summary.reports.files).toBeGreaterThanOrEqual(6);
  for (const p of demo.summary.reports.paths)
    await expect(readFile(path.join(outDir, p))).resolves.toBeInstanceOf(Buffer);
});

test('the never-reporting unit is reminded then escalated each month, the late ones only reminded, an on-time one never', async () => {
  const { rows } = await db.pool.query<{
    unit_id: string;
    month: string;
    escalated: boolean;
    reason: string | null;
  }>(
    `SELECT a.unit_id, a.period_key AS month, a.resolved_reason AS reason,
            EXISTS (SELECT 1 FROM alert_event e WHERE e.alert_id = a.id AND e.kind = 'escalated') AS escalated
       FROM alert a WHERE a.kind = 'task_report_missing' ORDER BY a.unit_id, a.period_key`,
  );
  const months = ['2024-01', '2024-02', '2024-03'];
  const of = (unit: string) => rows.filter((r) => r.unit_id === unit).map(({ unit_id: _u, ...r }) => r);
  expect(of('greening')).toEqual(months.map((month) => ({ month, escalated: true, reason: null })));
  for (const late of ['agriculture', 'transport'])
    expect(of(late)).toEqual(months.map((month) => ({ month, escalated: false, reason: 'reported' })));
  expect(of('water_bureau')).toEqual([]);
  expect(rows).toHaveLength(9);
  // The reminder reached the unit on the cut-off; the escalation reached it and its tasks' lead officials.
  const { rows: mails } = await db.pool.query<{ step: string; recipient_id: string }>(
    `SELECT DISTINCT split_part(d.step, ':', 1) AS step, d.recipient_id FROM delivery d JOIN alert a ON a.id = d.alert_id
      WHERE a.kind = 'task_report_missing' AND a.unit_id = 'greening' AND a.period_key = '2024-02' AND d.channel = 'email'`,
  );
  expect(mails).toContainEqual({ step: 'remind', recipient_id: 'greening.duty' });
  expect(mails).toContainEqual({ step: 'unreported', recipient_id: 'greening.duty' });
  expect(
    mails.filter((m) => m.step === 'unreported' && m.recipient_id.startsWith('official.')).length,
  ).toBeGreaterThan(0);
  expect(demo.summary.taskReminders).toMatchObject({ reminded: 9, escalated: 3, resolvedByReport: 6 });
  expect(demo.summary.taskReminders.dueSoon).toBeGreaterThan(0);
  expect(lines.some((l) => l.startsWith('任务提醒 Task reminders') && l.includes('督办 escalated 3'))).toBe(
    true,
  );
});

test('the progress shows the history import as one step, then each replayed month, and the summary follows', () => {
  const steps = lines.filter((l) => /^\[\d\/4\] \d{4}-\d{2}/.test(l));
  expect(steps.map((l) => l.split('│')[0]!.trim())).toEqual([
    '[1/4] 2023-01..03 历史 history',
    '[2/4] 2024-01 回放 replay',
    '[3/4] 2024-02 回放 replay',
    '[4/4] 2024-03 回放 replay',
  ]);
  // The history step counts every row of its three months.
  expect(steps[0]).toMatch(/入库 454,311 /);
  expect(lines.some((l) => l.includes('演示摘要 Demo summary'))).toBe(true);
});

test("the summary says where the time went: replay phases within the total, workers' time per job", () => {
  const { replayMs, jobSeconds } = demo.summary.phases;
  const replaySeconds = Object.values(replayMs).reduce((a, b) => a + b, 0) / 1000;
  expect(replaySeconds).toBeGreaterThan(0);
  expect(replaySeconds).toBeLessThanOrEqual(demo.summary.seconds);
  expect(replayMs.pipeline).toBeGreaterThan(0);
  expect(Object.keys(jobSeconds)).toEqual(
    expect.arrayContaining(['ingest-source', 'refresh-rollups', 'evaluate-targets', 'produce-report']),
  );
  expect(lines.some((l) => l.includes('回放各阶段 replay phases: generate'))).toBe(true);
});

test('the HJ 212 loggers sent over real TCP, every packet was acknowledged, and their hourly rows were stored', async () => {
  const { loggers, byDevice } = demo.summary.devices;
  const devices = await db.pool.query<{
    mn: string;
    protocol_version: string;
    crc_mode: string;
    sm4: boolean;
  }>(`SELECT mn, protocol_version, crc_mode, sm4_key IS NOT NULL AS sm4 FROM hj212_device ORDER BY mn`);
  // Registered through the registry: both editions, one MODBUS logger, one encrypting.
  expect(devices.rows.map((d) => d.protocol_version).sort()).toEqual(['2017', '2017', '2025', '2025']);
  expect(devices.rows.filter((d) => d.crc_mode === 'modbus')).toHaveLength(1);
  expect(devices.rows.filter((d) => d.sm4)).toHaveLength(1);
  expect(loggers.packets).toBeGreaterThan(4 * 3 * 600); // about 720 hourly packets a logger a month
  expect(loggers.acks).toBe(loggers.packets);
  expect(byDevice).toHaveLength(4);
  expect(byDevice.reduce((n, d) => n + d.packets, 0)).toBe(loggers.packets);
  expect(byDevice.reduce((n, d) => n + d.acked, 0)).toBe(loggers.packets);
  expect(byDevice.every((d) => d.refused === 0)).toBe(true);
  const modbus = byDevice.filter((d) => d.crcModbus > 0);
  expect(modbus).toHaveLength(1);
  expect(modbus[0]!.crcStandard).toBe(0);
  // Hourly values are stored; the 2025 loggers' minute and real-time packets are acknowledged, not stored.
  const rows = byDevice.reduce((n, d) => n + d.rows, 0);
  const hj212 = demo.summary.bySource.filter((b) => b.sourceId === 'demo_hj212_devices');
  expect(hj212.reduce((n, b) => n + b.received, 0)).toBe(rows);
  expect(hj212.reduce((n, b) => n + b.inserted, 0)).toBe(rows);
  const { rows: stored } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM measurement m JOIN hj212_device d ON d.site_id = m.series_id
      WHERE m.ts >= '2023-12-31T16:00:00Z'`,
  );
  // One row per station, hour and metric (the audited January revises in place); a planted fault the feed
  // still carries for these stations may add its own.
  expect(stored[0]!.n).toBeGreaterThanOrEqual(rows);
  expect(lines.some((l) => l.startsWith('HJ 212 数采仪 loggers'))).toBe(true);
});
