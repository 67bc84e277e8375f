/** Support for bench/alerts.ts: a counting SMTP sink, the bench directory and targets, evaluations in bulk. */
import { SMTPServer } from 'smtp-server';
import type pg from 'pg';
import { withTransaction } from '../services/db/queryable.js';
import { writeOutbox } from '../services/outbox/outbox.js';
import { syncAlertOutbox } from '../services/outbox/messages.js';
import { isTransition, storeEvaluations } from '../services/targets/evaluation-queries.js';
import { upsertPlanFile } from '../services/targets/target-queries.js';

export interface SmtpSink {
  url: string;
  /** Wall-clock time (performance.now()) at which each delivery's message was accepted, by idempotency key. */
  accepted: Map<string, number>;
  count(): number;
  close(): Promise<void>;
}

/** A real SMTP server that only reads the envelope header it needs: the bench times envwatch, not a parser. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const accepted = new Map<string, number>();
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c: Buffer) => {
        if (head.length < 4096) head += c.toString('latin1');
      });
      stream.on('end', () => {
        n += 1;
        const key = /^X-Envwatch-Delivery: *(.+)$/im.exec(head)?.[1]?.trim();
        if (key) accepted.set(key, performance.now());
        callback();
      });
    },
  });
  server.on('error', () => undefined);
  // A production MTA answers without Nagle delays; Node sockets do not by default (40 ms per answer).
  server.server.on('connection', (socket: import('node:net').Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    count: () => n,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A district, a unit per scenario with `people` contacts (e-mail only), and `targets` hard targets on it. */
export async function seedBench(
  pool: pg.Pool,
  o: { unit: string; people: number; targets: number; prefix: string },
): Promise<string[]> {
  await pool.query(
    `INSERT INTO district (id, name_zh, name_en) VALUES ('tongzhou', '通州区', 'Tongzhou') ON CONFLICT DO NOTHING`,
  );
  await pool.query(
    `INSERT INTO metric (id, name_zh, name_en, unit, unit_zh, resolution, domain, better)
     VALUES ('pm25', 'PM2.5', 'PM2.5', 'µg/m³', '微克/立方米', 'hour', 'air', 'lower') ON CONFLICT DO NOTHING`,
  );
  await pool.query(
    `INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES ($1, $1, $1, 'department', 'tongzhou')`,
    [o.unit],
  );
  await pool.query(
    `INSERT INTO contact (id, name_zh, unit_id, role, email, year_from)
     SELECT $1 || '.' || i, '联络员' || i, $1, '联络员', $1 || '.' || i || '@bench.example.gov.cn', 2020 FROM generate_series(1, $2) i`,
    [o.unit, o.people],
  );
  const ids = Array.from({ length: o.targets }, (_, i) => `${o.prefix}-${String(i + 1).padStart(4, '0')}`);
  await upsertPlanFile(pool, {
    plan: {
      id: `${o.prefix.toLowerCase().replace(/[^a-z]/g, '')}-2024`,
      district: 'tongzhou',
      year: 2024,
      name_zh: '基准测试',
      name_en: 'Bench',
    },
    targets: ids.map((id) => ({
      id,
      clause_zh: 'PM2.5全年累计浓度达到35微克/立方米',
      title_zh: `全区PM2.5累计浓度不高于35微克/立方米（${id}）`,
      title_en: `District cumulative PM2.5 at most 35 (${id})`,
      metric: 'pm25',
      scope: { kind: 'district', ids: [] },
      period: 'year',
      rule: { kind: 'cumulative_mean_limit', max: 35 },
      strictness: 'hard',
      exclude_sand_dust: false,
      deadline: '2099-12-31',
      lead_officials: [],
      main_units: [o.unit],
      assist_units: [],
      source: 'bench',
      enabled: true,
    })),
  });
  return ids;
}

/** One transaction as the targets engine commits it: the breaches and their `sync-alert` outbox rows. */
export async function commitBreaches(pool: pg.Pool, targetIds: readonly string[]): Promise<number[]> {
  return withTransaction(pool, async (tx) => {
    const stored = await storeEvaluations(
      tx,
      targetIds.map((t) => ({
        targetId: t,
        scopeId: 'tongzhou',
        periodKey: '2099',
        result: {
          asOf: '2099-06-01',
          status: 'breached',
          final: false,
          value: 48,
          threshold: 35,
          coverage: 1,
          dataVersion: 'provisional',
          explanationZh: '累计均值 48.0 微克/立方米，限值 35。',
          explanationEn: 'Mean 48.0, limit 35.',
          details: {},
        },
      })),
    );
    const transitions = stored.filter(isTransition);
    await writeOutbox(
      tx,
      transitions.map((s) => syncAlertOutbox(s.evaluationId)),
    );
    return transitions.map((s) => s.evaluationId);
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
