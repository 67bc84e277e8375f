/**
 * `npm run bench:hj212 [D] [SECONDS]`: the HJ 212 receiver under D concurrent device connections (default
 * 2,000), each a water auto-station sending minute data (CN=2051) for four factors, through the real receiver
 * (its own process, bench/hj212-receiver-child.mjs: the compiled dist/ when current, as `envwatch start` runs
 * it) into PostgreSQL, in a fresh database cloned from the migrated template. Water parameters are per-sample
 * metrics, so every minute value is stored.
 *   1. capacity: every device sends its next packet as soon as the previous one is acknowledged, for SECONDS
 *      (default 15): sustained packets/s and rows/s;
 *   2. latency: every device sends at a steady pace that adds up to half that capacity, for SECONDS: p50/p99
 *      from packet sent to 9014 received;
 *   3. the steady path (ingestRows, batches of 10,000 as an adapter delivers them) on the same rows in the same
 *      run (the table emptied first), and the ratio of the receiver's rows/s to it.
 * Also: the receiver's peak RSS. Targets (issue 18): ratio ≥ 0.5, p99 ≤ 200 ms, peak RSS < 300 MB.
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { ingestRows } from '../services/ingest/ingest-rows.js';
import type { RawMeasurement } from '../services/ingest/validate-measurement.js';
import { loadReferenceSet } from '../services/reference/load-reference.js';
import { seedReference } from '../services/reference/seed-reference.js';
import { ensurePartitionsFor } from '../services/store/measurement-queries.js';
import { ManualClock, MINUTE } from '../services/time/shanghai.js';
import { createTestDatabase } from '../tests/helpers/test-db.js';
import { upload } from '../services/ingest/hj212/upload-packet.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const D = Number(process.argv[2] ?? process.env.BENCH_DEVICES ?? 2000);
const SECONDS = Number(process.argv[3] ?? process.env.BENCH_SECONDS ?? 15);
const START = Date.parse('2026-06-01T00:00:00+08:00');
const NOW = new Date('2026-09-01T00:00:00+08:00');
const FACTORS = ['w01001', 'w01009', 'w21003', 'w01018'] as const; // pH, DO, NH3-N, COD
const METRICS: Record<(typeof FACTORS)[number], string> = {
  w01001: 'ph',
  w01009: 'do',
  w21003: 'nh3n',
  w01018: 'cod',
};

const mnOf = (d: number) => `BENCH${String(d).padStart(19, '0')}`;
const siteOf = (d: number) => `bench_ws_${String(d).padStart(5, '0')}`;
const stamp = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(0, 14);
const valueOf = (d: number, k: number, f: number) => (((d * 31 + k * 7 + f * 13) % 400) / 100 + 6).toFixed(2);

function packetOf(d: number, k: number): Buffer {
  const t = START + k * MINUTE;
  const values = Object.fromEntries(FACTORS.map((code, f) => [code, { value: valueOf(d, k, f) }]));
  const qn = `${stamp(t)}${String(d % 1000).padStart(3, '0')}`;
  return upload({ mn: mnOf(d), cn: '2051', st: '21', flag: 5, qn, dataTime: stamp(t), values });
}

function rowsOf(d: number, k: number): RawMeasurement[] {
  const t = START + k * MINUTE;
  const time = `${new Date(t + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
  return FACTORS.map((code, f) => ({
    time,
    series: siteOf(d),
    metric: METRICS[code],
    value: valueOf(d, k, f),
    unit: 'mg/L',
  }));
}

/** One simulated logger: a socket, its next minute, the send times of packets awaiting their 9014. */
class Logger {
  next = 0;
  acked = 0;
  sentAt: number[] = [];
  latencies: number[] | null = null;
  onAck: (() => void) | null = null;
  constructor(
    readonly d: number,
    readonly socket: net.Socket,
  ) {
    let tail = '';
    socket.on('data', (b: Buffer) => {
      const s = tail + b.toString('latin1');
      const parts = s.split('\r\n');
      tail = parts.pop()!;
      for (let i = 0; i < parts.length; i++) {
        const t0 = this.sentAt.shift();
        if (t0 !== undefined && this.latencies) this.latencies.push(performance.now() - t0);
        this.acked += 1;
        this.onAck?.();
      }
    });
  }
  send(): void {
    this.sentAt.push(performance.now());
    this.socket.write(packetOf(this.d, this.next++));
  }
}

async function connectAll(port: number): Promise<Logger[]> {
  const loggers: Logger[] = [];
  for (let i = 0; i < D; i += 200) {
    const batch = await Promise.all(
      Array.from(
        { length: Math.min(200, D - i) },
        (_, j) =>
          new Promise<Logger>((resolve, reject) => {
            const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Logger(i + j, s)));
            s.once('error', reject);
          }),
      ),
    );
    loggers.push(...batch);
  }
  return loggers;
}

async function capacity(loggers: Logger[]): Promise<{ packets: number; seconds: number }> {
  let stop = false;
  const before = loggers.reduce((n, l) => n + l.acked, 0);
  for (const l of loggers) {
    l.onAck = () => {
      if (!stop) l.send();
    };
    l.send();
  }
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  const seconds = (performance.now() - t0) / 1000;
  const packets = loggers.reduce((n, l) => n + l.acked, 0) - before;
  // Let the packets in flight finish so the next phase starts clean.
  await new Promise<void>((resolve) => {
    const check = () => (loggers.every((l) => l.sentAt.length === 0) ? resolve() : setTimeout(check, 50));
    check();
  });
  return { packets, seconds };
}

async function latency(loggers: Logger[], rate: number): Promise<number[]> {
  const all: number[] = [];
  const interval = (D / rate) * 1000; // ms between two packets of one device
  const timers: NodeJS.Timeout[] = [];
  for (const l of loggers) {
    l.onAck = null;
    l.latencies = all;
    const start = Math.random() * interval;
    timers.push(
      setTimeout(() => {
        l.send();
        timers.push(setInterval(() => l.send(), interval));
      }, start),
    );
  }
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  timers.forEach((t) => clearTimeout(t));
  await new Promise<void>((resolve) => {
    const check = () => (loggers.every((l) => l.sentAt.length === 0) ? resolve() : setTimeout(check, 50));
    check();
  });
  return all.sort((a, b) => a - b);
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const db = await createTestDatabase();
  const pool = db.pool;
  try {
    await seedReference(pool, await loadReferenceSet(path.join(ROOT, 'config/reference')));
    await pool.query(
      `INSERT INTO site (id, kind, name_zh, name_en, district_id, origin)
       SELECT format('bench_ws_%s', lpad(d::text, 5, '0')), 'water_section', format('基准断面%s', d), format('Bench section %s', d),
              'tongzhou', 'registry' FROM generate_series(0, $1 - 1) AS d`,
      [D],
    );
    await pool.query(
      `INSERT INTO hj212_device (mn, site_id, password, protocol_version, expected_interval_seconds)
       SELECT format('BENCH%s', lpad(d::text, 19, '0')), format('bench_ws_%s', lpad(d::text, 5, '0')), '123456', '2017', 60
         FROM generate_series(0, $1 - 1) AS d`,
      [D],
    );
    await ensurePartitionsFor(pool, new Date(START), NOW);
    const child = spawn(
      process.execPath,
      [
        // e.g. BENCH_RECEIVER_NODE_ARGS=--cpu-prof to profile the receiver alone (NODE_OPTIONS refuses --cpu-prof).
        ...(process.env.BENCH_RECEIVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
        path.join(ROOT, 'bench/hj212-receiver-child.mjs'),
        db.url,
        NOW.toISOString(),
      ],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const { port, compiled } = JSON.parse((await lines.next()).value as string) as {
      port: number;
      compiled: boolean;
    };
    if (!compiled) {
      console.log(
        'receiver through tsx: dist/ is not current (npm run build measures the compiled receiver that envwatch start runs; tsx adds ~45 MB RSS)',
      );
    }
    const loggers = await connectAll(port);
    console.log(`${D} device connections open; capacity phase ${SECONDS}s …`);

    const benchCpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const cap = await capacity(loggers);
    const pps = cap.packets / cap.seconds;
    const receiverRows = pps * FACTORS.length;
    console.log(`latency phase at ${(pps / 2).toFixed(0)} packets/s (half capacity) …`);
    const lat = await latency(loggers, pps / 2);
    child.stdin!.write('report\n');
    const rss = JSON.parse((await lines.next()).value as string) as {
      peakMb: number;
      startMb: number;
      cpuSeconds: number;
      heapMb: number;
      externalMb: number;
    };
    for (const l of loggers) l.socket.destroy();
    const benchCpu = process.cpuUsage(benchCpu0);
    const wall = (performance.now() - wall0) / 1000;

    // The same rows through the steady path, into the emptied table.
    const sent = loggers.map((l) => l.next);
    const stored = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM measurement`)).rows[0]!.n;
    await pool.query('TRUNCATE measurement');
    const total = sent.reduce((n, k) => n + k * FACTORS.length, 0);
    function* rows(): Generator<RawMeasurement> {
      for (let d = 0; d < D; d++) for (let k = 0; k < sent[d]!; k++) yield* rowsOf(d, k);
    }
    // Batches are built first, so the timing is the path's, not the generator's.
    const batches: RawMeasurement[][] = [];
    let current: RawMeasurement[] = [];
    for (const r of rows()) {
      current.push(r);
      if (current.length === 10_000) {
        batches.push(current);
        current = [];
      }
    }
    if (current.length > 0) batches.push(current);
    const tGen = performance.now();
    for (const b of batches)
      await ingestRows(pool, { sourceId: 'bench', adapter: 'http_pull' }, b, new ManualClock(NOW));
    const steadySeconds = (performance.now() - tGen) / 1000;
    const steadyRows = total / steadySeconds;

    const f = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(`\nHJ 212 receiver, ${D} devices × ${FACTORS.length} factors of minute data (CN=2051):`);
    console.log(
      `  capacity:      ${f(pps)} packets/s, ${f(receiverRows)} rows/s sustained over ${cap.seconds.toFixed(1)} s`,
    );
    console.log(
      `  ack latency:   p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms at ${f(pps / 2)} packets/s (${f(lat.length)} packets)`,
    );
    console.log(
      `  peak RSS:      ${rss.peakMb.toFixed(0)} MB (receiver process, ${compiled ? 'compiled dist/' : 'through tsx'}; ${rss.startMb.toFixed(0)} MB at start; at the peak JS heap ${rss.heapMb.toFixed(0)} MB, Buffers ${rss.externalMb.toFixed(0)} MB)`,
    );
    console.log(
      `  CPU:           receiver ${rss.cpuSeconds.toFixed(1)} s, simulated loggers ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} s over ${wall.toFixed(1)} s (2 cores shared)`,
    );
    console.log(`  stored:        ${f(stored)} rows of ${f(total)} sent values`);
    console.log(`  steady path:   ${f(steadyRows)} rows/s on the same ${f(total)} rows (batches of 10,000)`);
    console.log(`  ratio:         ${(receiverRows / steadyRows).toFixed(2)} (target ≥ 0.5)`);
  } finally {
    await db.drop();
  }
}

await main();
