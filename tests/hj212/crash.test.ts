/**
 * Acknowledged means committed: the receiver process (`envwatch start`, ROLES=hj212) is killed with SIGKILL
 * while a logger streams packets. Every packet the logger saw acknowledged is stored exactly once; the ones it
 * did not see acknowledged are stored after it re-sends them to a restarted receiver.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';
import { addDevice, addSite } from '../../services/registry/registry.js';
import { DeviceClient } from '../helpers/hj212-client.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';
import { upload } from '../../services/ingest/hj212/upload-packet.js';

const db = useTestDatabase();
const ROOT = path.resolve(import.meta.dirname, '../..');
const MN = 'CRASH00000000000000000001';
const N = 240;
let child: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Starts `envwatch start` as its own process and resolves once the receiver listens. */
function startReceiver(port: number): Promise<ChildProcess> {
  const p = spawn(process.execPath, [path.join(ROOT, 'bin/envwatch.mjs'), 'start', '--wait', '5'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      ROLES: 'hj212',
      HJ212_PORT: String(port),
      HJ212_COMMIT_DELAY_MS: '30',
      QUEUE_PREFIX: `t_crash_${process.pid}`,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    p.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('HJ 212 receiver listening')) resolve(p);
    });
    p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    p.once('exit', (code) => reject(new Error(`receiver exited (${code}) before listening:\n${out}`)));
  });
}

/** Packet i: the hour i after 2026-11-01 00:00 Beijing time, two pollutants. */
function packet(i: number): { qn: string; bytes: Buffer } {
  const t = new Date(Date.UTC(2026, 9, 31, 16) + i * 3600_000 + 8 * 3600_000);
  const stamp = t.toISOString().replace(/\D/g, '').slice(0, 14);
  const qn = `${stamp}${String(i % 1000).padStart(3, '0')}`;
  const values = { a34004: { value: String(10 + (i % 50)) }, a34002: { value: String(30 + (i % 70)) } };
  return { qn, bytes: upload({ mn: MN, cn: '2061', flag: 5, qn, dataTime: stamp, values }) };
}

const ackedQns = (replies: readonly string[]) => new Set(replies.map((r) => /QN=(\d{17})/.exec(r)![1]!));

beforeAll(async () => {
  await seedRealReference(db.pool);
  await addSite(
    db.pool,
    { code: 'crash-site', kind: 'air_station', name_zh: '崩溃测试站', district_id: 'tongzhou' },
    SYSTEM_ACTOR,
  );
  await addDevice(
    db.pool,
    { mn: MN, site: 'crash-site', password: '123456', protocol_version: '2017' },
    SYSTEM_ACTOR,
  );
});

afterAll(() => {
  child?.kill('SIGKILL');
});

it('SIGKILL with packets in flight: acknowledged ones stored exactly once, the rest stored after re-sending', async () => {
  const port = await freePort();
  child = await startReceiver(port);
  const c = await DeviceClient.connect(port);
  const packets = Array.from({ length: N }, (_, i) => packet(i));
  // Stream in small groups without waiting for replies, so some are being committed when the process dies.
  const sending = (async () => {
    for (let i = 0; i < N; i += 4) {
      if (c.socket.destroyed) return;
      await c.send(Buffer.concat(packets.slice(i, i + 4).map((p) => p.bytes))).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 5)); // a logger's pace, not a wait for anything
    }
  })();
  await c.waitForReplies(40);
  child.kill('SIGKILL');
  await c.closed;
  await sending;
  const acked = ackedQns(c.replies);
  expect(acked.size).toBeGreaterThanOrEqual(40);
  expect(acked.size).toBeLessThan(N);

  const stored = async () => {
    const { rows } = await db.pool.query<{ ts: Date; n: number; max_rev: number }>(
      `SELECT ts, count(*)::int AS n, max(revision) AS max_rev FROM measurement WHERE series_id = 'crash_site' GROUP BY ts`,
    );
    return rows;
  };
  const qnOfTs = new Map(packets.map((p, i) => [Date.UTC(2026, 9, 31, 16) + i * 3600_000, p.qn]));
  const afterCrash = new Set(
    (await stored()).filter((r) => r.n === 2).map((r) => qnOfTs.get(r.ts.getTime())),
  );
  for (const qn of acked) expect(afterCrash.has(qn), `acknowledged ${qn} is stored`).toBe(true);

  // The logger re-sends what it saw no 9014 for, to a restarted receiver.
  child = await startReceiver(port);
  const again = await DeviceClient.connect(port);
  const unacked = packets.filter((p) => !acked.has(p.qn));
  await again.send(Buffer.concat(unacked.map((p) => p.bytes)));
  await again.waitForReplies(unacked.length);
  again.close();
  const final = await stored();
  expect(final).toHaveLength(N);
  expect(final.every((r) => r.n === 2 && r.max_rev === 0)).toBe(true);
}, 180_000); // two process starts (tsx, migrations check) on a loaded 2-core machine
