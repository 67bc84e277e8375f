/**
 * The receiver driven by real TCP clients (issue 18 acceptance): the valid and invalid vectors of
 * hj212.md §7, fragmentation, 50 packets in one write, a split pair, encrypted 2025 data, wrong CRC/PW/MN,
 * floods. Assertions are on the replies the client received and on the rows PostgreSQL holds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';
import { parseSm4Key } from '../../services/ingest/hj212/sm4.js';
import { DEFAULT_FRAMING } from '../../services/ingest/hj212/framing.js';
import {
  startHj212Receiver,
  type ReceiverOptions,
  type RunningReceiver,
} from '../../services/ingest/hj212/receiver.js';
import { reprocessRefusedRows } from '../../services/ingest/reprocess.js';
import { createLogger } from '../../services/logging.js';
import { addDevice, addSite, changeDevice } from '../../services/registry/registry.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { DeviceClient } from '../helpers/hj212-client.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';
import { encryptedUpload, upload } from '../../services/ingest/hj212/upload-packet.js';
import { frameSegment } from '../../services/ingest/hj212/replies.js';
import { ACK, MN, V, wire } from './vectors.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2026-01-10T12:00:00+08:00'));
const KEY = '0000000000000000';
let receiver: RunningReceiver;
const OPTIONS: ReceiverOptions = {
  host: '127.0.0.1',
  port: 0,
  sourceId: 'hj212_devices',
  maxConnections: 50,
  limits: {
    framing: DEFAULT_FRAMING,
    idleMs: 30_000,
    halfPacketMs: 5_000,
    maxRefusals: 5,
    maxPending: 256,
    historyAfterMs: 6 * 3600_000,
    offResolution: 'skip',
  },
  commit: { delayMs: 5, maxRows: 5000, maxInFlight: 2 },
  splitTimeoutMs: 60_000,
};
const DEPS = () => ({ db: db.pool, clock, logger: createLogger({ level: 'error' }) });
const connect = () => DeviceClient.connect(receiver.address.port);

async function values(site: string, metric?: string) {
  const { rows } = await db.pool.query<{ metric_id: string; ts: Date; value: number; flags: string[] }>(
    `SELECT metric_id, ts, value, flags FROM measurement WHERE series_id = $1 AND ($2::text IS NULL OR metric_id = $2)
      ORDER BY ts, metric_id`,
    [site, metric ?? null],
  );
  return rows;
}

async function refusals(code: string) {
  const { rows } = await db.pool.query<{
    raw: { packet_b64: string };
    reason_detail: string;
    status: string;
  }>(
    `SELECT raw, reason_detail, status FROM refused_row WHERE record_kind = 'hj212_packet' AND reason_code = $1
      ORDER BY id`,
    [code],
  );
  return rows;
}

/** A known-good packet after `bytes` on the same connection: its ack proves `bytes` was handled first. */
async function sendThenProbe(bytes: Buffer, probeHour: string): Promise<string[]> {
  const c = await connect();
  const probe = upload({
    mn: 'probe-1',
    cn: '2061',
    flag: 5,
    qn: `20260110110000${probeHour}0`,
    dataTime: `20260110${probeHour}0000`,
    values: { a34004: { value: '10' } },
  });
  await c.send(Buffer.concat([bytes, probe]));
  await c.waitForReplies(1);
  c.close();
  return c.replies;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  await addSite(
    db.pool,
    {
      code: 'beiyuan-s1',
      kind: 'dust_monitor',
      name_zh: '北苑扬尘监测点1',
      district_id: 'tongzhou',
      station_level: 'micro',
    },
    SYSTEM_ACTOR,
  );
  await addSite(
    db.pool,
    { code: 'probe-site', kind: 'air_station', name_zh: '探测点', district_id: 'tongzhou' },
    SYSTEM_ACTOR,
  );
  await addDevice(
    db.pool,
    { mn: MN, site: 'beiyuan-s1', password: '123456', protocol_version: '2017' },
    SYSTEM_ACTOR,
  );
  await addDevice(
    db.pool,
    { mn: 'probe-1', site: 'probe-site', password: '123456', protocol_version: '2017' },
    SYSTEM_ACTOR,
  );
  await addDevice(
    db.pool,
    {
      mn: '88888880000001',
      site: 'probe-site',
      password: '123456',
      protocol_version: '2005',
      reply_format: '2005',
    },
    SYSTEM_ACTOR,
  );
  receiver = await startHj212Receiver(OPTIONS, DEPS());
});

afterAll(async () => {
  await receiver?.stop();
});

describe('valid packets (hj212.md §7.1)', () => {
  it('V1 delivered one byte at a time: stored, then acknowledged with exactly the 9014 of §7.1', async () => {
    const c = await connect();
    for (const b of wire(V.V1)) await c.send(Buffer.from([b]));
    expect(await c.waitForReplies(1)).toEqual([ACK.V1]);
    c.close();
    const rows = await values('beiyuan_s1');
    expect(rows.map((r) => [r.metric_id, r.ts.toISOString(), r.value])).toEqual([
      ['pm10', '2025-03-15T00:00:00.000Z', 68.4],
      ['pm25', '2025-03-15T00:00:00.000Z', 35.2],
    ]);
    expect(rows[0]!.flags).toEqual(['hj212:N']);
  });

  it('a re-sent V1 is acknowledged again and changes nothing', async () => {
    const c = await connect();
    await c.send(wire(V.V1));
    expect(await c.waitForReplies(1)).toEqual([ACK.V1]);
    c.close();
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n, max(revision) AS r FROM measurement WHERE series_id = 'beiyuan_s1'`,
    );
    expect(rows[0]).toEqual({ n: 2, r: 0 });
  });

  it('50 packets in one write: 50 acknowledgements, 100 rows', async () => {
    const packets = Array.from({ length: 50 }, (_, i) => {
      const day = String(1 + Math.floor(i / 24)).padStart(2, '0');
      const hour = String(i % 24).padStart(2, '0');
      return upload({
        mn: MN,
        cn: '2061',
        flag: 5,
        qn: `202601${day}${hour}0000${String(i).padStart(3, '0')}`,
        dataTime: `202601${day}${hour}0000`,
        values: { a34004: { value: String(20 + i) }, a34002: { value: String(40 + i) } },
      });
    });
    const c = await connect();
    await c.send(Buffer.concat(packets));
    const replies = await c.waitForReplies(50);
    c.close();
    expect(new Set(replies.map((r) => r.slice(6, 26))).size).toBe(50);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM measurement WHERE series_id = 'beiyuan_s1' AND ts >= '2026-01-01T00:00:00+08:00'`,
    );
    expect(rows[0]!.n).toBe(100);
  });

  it('V2 (minute air data) is acknowledged; minute values of hourly metrics are not stored as hours', async () => {
    const c = await connect();
    await c.send(
      Buffer.concat([
        Buffer.from('\x00\xffAT+CSQ\r\n', 'latin1'),
        wire(V.V2),
        Buffer.from('xyz#'),
        wire(V.V3),
      ]),
    );
    expect(await c.waitForReplies(1)).toEqual([ACK.V2]); // X6: V3 (Flag=4) gets nothing
    c.close();
    expect(await values('beiyuan_s1', 'tsp')).toEqual([]);
  });

  it('a split pair (V4a, V4b): each part acknowledged, the hour complete with all six pollutants', async () => {
    const c = await connect();
    await c.send(wire(V.V4a));
    await c.waitForReplies(1);
    await c.send(wire(V.V4b));
    expect(await c.waitForReplies(2)).toEqual([ACK.V4a, ACK.V4b]);
    c.close();
    const hour = (await values('beiyuan_s1')).filter(
      (r) => r.ts.toISOString() === '2025-03-15T00:00:00.000Z',
    );
    expect(Object.fromEntries(hour.map((r) => [r.metric_id, r.value]))).toEqual({
      pm25: 35.2,
      pm10: 68.4,
      so2: 8,
      no2: 31,
      co: 0.6,
      o3: 72,
    });
  });

  it('V5b (2005, ack wanted) gets the 2005-form reply; V13 and V11 are acknowledged', async () => {
    const c = await connect();
    await c.send(wire(V.V5b));
    const [r2005] = await c.waitForReplies(1);
    expect(r2005).toMatch(/^##\d{4}ST=91;CN=9014;CP=&&QN=20060101120000001;CN=2011&&[0-9A-F]{4}$/);
    await c.send(Buffer.concat([wire(V.V13), wire(V.V11)]));
    const replies = await c.waitForReplies(3);
    c.close();
    // V11 (a log, nothing to store) is answered at once; V13 after its commit round: either may come first.
    const [v13, v11] = [
      replies.find((r) => r.includes('QN=20200814151600001;')),
      replies.find((r) => r.includes('QN=20250315083500000;')),
    ];
    expect(v13).toContain(';ST=91;CN=9014;');
    expect(v11).toContain(';ST=91;CN=9014;');
    expect(v11).toContain('Flag=4;CP=&&&&');
  });
});

describe('text from the device', () => {
  it('a NUL in a value flag refuses that value as UNSAFE_TEXT; the packet is acknowledged, the round not failed', async () => {
    // The receiver spares the steady path its per-field text walk only for a data area it checked itself:
    // a NUL reaching the flags array would fail the whole round's INSERT and no device in it would get a 9014.
    const c = await connect();
    await c.send(
      upload({
        mn: MN,
        cn: '2061',
        flag: 5,
        qn: '20260105030000123',
        dataTime: '20260105030000',
        values: { a34004: { value: '31', flag: 'N\u0000' }, a34002: { value: '62' } },
      }),
    );
    expect(await c.waitForReplies(1)).toHaveLength(1);
    c.close();
    const { rows } = await db.pool.query<{ reason_code: string; metric: string }>(
      `SELECT reason_code, raw->>'metric' AS metric FROM refused_row
        WHERE record_kind = 'measurement' AND raw->>'time' LIKE '2026-01-05T03:00:00%'`,
    );
    expect(rows).toEqual([{ reason_code: 'UNSAFE_TEXT', metric: 'pm25' }]);
    const pm10 = await values('beiyuan_s1', 'pm10');
    expect(pm10.some((r) => r.ts.toISOString() === '2026-01-04T19:00:00.000Z' && r.value === 62)).toBe(true);
  });
});

describe('requests and request results from a logger (hj212.md §2.4, §4.1, §4.2)', () => {
  const segment = (cn: string, flag: number, qn: string, cp: string) =>
    frameSegment(`QN=${qn};ST=22;CN=${cn};PW=123456;MN=probe-1;Flag=${flag};CP=&&${cp}&&`);

  it('a request only a platform sends (1012 set time) is answered 9011 QnRtn=2 at once, and no 9012 follows', async () => {
    const c = await connect();
    await c.send(segment('1012', 5, '20260110113000001', 'SystemTime=20260110113000'));
    const [r] = await c.waitForReplies(1);
    expect(r).toBe(
      '##0077QN=20260110113000001;ST=91;CN=9011;PW=123456;MN=probe-1;Flag=4;CP=&&QnRtn=2&&' + r!.slice(-4),
    );
    // A data packet after it is acknowledged normally: no 9012 came between.
    await c.send(
      upload({
        mn: 'probe-1',
        cn: '2061',
        flag: 5,
        qn: '20260110113000002',
        dataTime: '20260110060000',
        values: { a34004: { value: '12' } },
      }),
    );
    const replies = await c.waitForReplies(2);
    c.close();
    expect(replies[1]).toContain('QN=20260110113000002;ST=91;CN=9014;');
    expect(replies.join('')).not.toContain('CN=9012');
  });

  it('a 9012 execution result asking for a reply gets the 9014 (2005 App. C); a 9011 and a 9012 without the ack bit get nothing', async () => {
    const c = await connect();
    await c.send(segment('9011', 4, '20260110113500001', 'QnRtn=1'));
    await c.send(segment('9012', 4, '20260110113500001', 'ExeRtn=1'));
    await c.send(segment('9012', 5, '20260110113500002', 'ExeRtn=100'));
    const [r] = await c.waitForReplies(1);
    expect(r).toBe(
      '##0070QN=20260110113500002;ST=91;CN=9014;PW=123456;MN=probe-1;Flag=4;CP=&&&&' + r!.slice(-4),
    );
    await c.send(
      upload({
        mn: 'probe-1',
        cn: '2061',
        flag: 5,
        qn: '20260110113500003',
        dataTime: '20260110070000',
        values: { a34004: { value: '13' } },
      }),
    );
    const replies = await c.waitForReplies(2);
    c.close();
    expect(replies).toHaveLength(2);
    expect(replies[1]).toContain('QN=20260110113500003;ST=91;CN=9014;');
  });
});

describe('minute and real-time air values (HJ212_OFF_RESOLUTION_VALUES)', () => {
  const minute = (qn: string) =>
    upload({
      mn: 'probe-1',
      cn: '2051',
      flag: 5,
      qn,
      dataTime: '20260110080300',
      values: { a34004: { value: '33' } },
    });

  it('skip (the default): acknowledged, nothing stored, nothing refused', async () => {
    const c = await connect();
    await c.send(minute('20260110090400001'));
    const [r] = await c.waitForReplies(1);
    c.close();
    expect(r).toContain('QN=20260110090400001;ST=91;CN=9014;');
    expect(
      (await values('probe_site', 'pm25')).filter((v) => v.ts.toISOString() === '2026-01-10T00:03:00.000Z'),
    ).toEqual([]);
    const { rows } = await db.pool.query(
      `SELECT 1 FROM refused_row WHERE reason_code = 'MISALIGNED_TIMESTAMP'`,
    );
    expect(rows).toEqual([]);
  });

  it('refuse: acknowledged, and each value kept as a refused row with its reason', async () => {
    const strict = await startHj212Receiver(
      { ...OPTIONS, limits: { ...OPTIONS.limits, offResolution: 'refuse' } },
      DEPS(),
    );
    try {
      const c = await DeviceClient.connect(strict.address.port);
      await c.send(minute('20260110090400002'));
      const [r] = await c.waitForReplies(1);
      c.close();
      expect(r).toContain('QN=20260110090400002;ST=91;CN=9014;');
    } finally {
      await strict.stop();
    }
    const { rows } = await db.pool.query<{ reason_detail: string }>(
      `SELECT reason_detail FROM refused_row WHERE reason_code = 'MISALIGNED_TIMESTAMP'`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason_detail).toContain('pm25');
  });
});

describe('2025 devices', () => {
  it('V8 (the standard encrypted example), V9 (re-upload), V10 (heartbeat) and an encrypted hourly upload', async () => {
    await changeDevice(db.pool, MN, { protocol_version: '2025', sm4_key: KEY }, SYSTEM_ACTOR);
    await receiver.reloadDevices();
    const c = await connect();
    await c.send(wire(V.V8));
    const [r8] = await c.waitForReplies(1);
    expect(r8).toBe(
      '##0087QN=20240520210700000;ST=91;CN=9014;PW=123456;MN=010000A8900016F000169DC0;Flag=8;CP=&&&&' +
        r8!.slice(-4),
    );
    await c.send(wire(V.V9));
    await c.send(wire(V.V10));
    const key = parseSm4Key(KEY);
    await c.send(
      encryptedUpload(
        {
          mn: MN,
          cn: '2061',
          flag: 9,
          qn: '20260110110500000',
          dataTime: '20260110100000',
          values: { a34004: { value: '41.5' }, a34002: { value: '77', flag: 'M' } },
        },
        key,
      ),
    );
    const replies = await c.waitForReplies(4);
    c.close();
    // The heartbeat is answered at once, the data after their commit round: compare as a set.
    expect(replies.slice(1).sort()).toEqual(
      [ACK.V9, ACK.V10, replies.find((r) => r.includes('QN=20260110110500000;ST=91;CN=9014;'))].sort(),
    );
    const at = (iso: string) => (r: { ts: Date }) => r.ts.toISOString() === iso;
    const encrypted = (await values('beiyuan_s1')).filter(at('2026-01-10T02:00:00.000Z'));
    expect(encrypted.map((r) => [r.metric_id, r.value, r.flags])).toEqual([
      ['pm10', 77, ['hj212:M', 'invalid']],
      ['pm25', 41.5, ['hj212:N']],
    ]);
    const history = (await values('beiyuan_s1')).filter(at('2026-01-09T19:00:00.000Z'));
    expect(history.map((r) => r.value).sort()).toEqual([52.6, 88]);
    const { rows } = await db.pool.query(
      `SELECT DISTINCT b.adapter FROM measurement m JOIN ingest_batch b ON b.id = m.batch_id WHERE m.ts = '2026-01-09T19:00:00Z'`,
    );
    expect(rows).toEqual([{ adapter: 'hj212_history' }]);
  });

  it('a 2017 packet from a device registered for 2025 is refused as the wrong edition', async () => {
    const replies = await sendThenProbe(wire(V.V1), '05');
    expect(replies).toHaveLength(1);
    expect(replies[0]).toContain('MN=probe-1');
    expect((await refusals('HJ212_WRONG_VERSION'))[0]!.reason_detail).toContain('2017, registered 2025');
    await changeDevice(db.pool, MN, { protocol_version: '2017', sm4_key: null }, SYSTEM_ACTOR);
    await receiver.reloadDevices();
  });
});

describe('invalid packets (hj212.md §7.2): kept with a reason, never acknowledged', () => {
  it('X1 bad CRC', async () => {
    await sendThenProbe(wire(V.X1), '01');
    const [r] = await refusals('HJ212_BAD_CRC');
    expect(Buffer.from(r!.raw.packet_b64, 'base64').toString()).toBe(`${V.X1}\r\n`);
    expect(r!.reason_detail).toContain('4380');
  });

  it('X2 MODBUS CRC: refused for a standard device, accepted (and counted) once the device is set to either', async () => {
    const x2 = wire(V.V1.slice(0, -4) + 'F135');
    await sendThenProbe(x2, '02');
    expect((await refusals('HJ212_BAD_CRC')).at(-1)!.reason_detail).toContain(
      'CRC-16/MODBUS, the device is registered as standard',
    );
    await changeDevice(db.pool, MN, { crc_mode: 'either' }, SYSTEM_ACTOR);
    await receiver.reloadDevices();
    const c = await connect();
    await c.send(x2);
    const [reply] = await c.waitForReplies(1);
    c.close();
    expect(reply!.slice(0, -4)).toBe(ACK.V1.slice(0, -4)); // answered with a MODBUS CRC, as the device computes it
    expect(reply!.slice(-4)).not.toBe('2580');
    await changeDevice(db.pool, MN, { crc_mode: 'standard' }, SYSTEM_ACTOR);
    await receiver.reloadDevices();
    await receiver.settle();
    const { rows } = await db.pool.query(
      `SELECT crc_modbus::int, refusals FROM hj212_device_stats WHERE mn = $1`,
      [MN],
    );
    expect(rows[0].crc_modbus).toBe(2); // seen twice: refused once, accepted once
    expect(rows[0].refusals.HJ212_BAD_CRC).toBeGreaterThanOrEqual(1);
  });

  it('X3 wrong length, X5 wrong PW, X7 unknown MN, X4 missing tail', async () => {
    await sendThenProbe(wire(V.V1.replace('##0234', '##0233')), '03');
    expect(await refusals('HJ212_LENGTH_MISMATCH')).toHaveLength(1);
    await sendThenProbe(wire(V.X5), '04');
    expect(await refusals('HJ212_BAD_PASSWORD')).toHaveLength(1);
    const stranger = upload({
      mn: 'NEW0000000000000000000001',
      cn: '2061',
      flag: 5,
      qn: '20260110100000001',
      dataTime: '20260110090000',
      values: { a34004: { value: '33' } },
    });
    await sendThenProbe(stranger, '06');
    expect(await refusals('HJ212_UNKNOWN_MN')).toHaveLength(1);
    await sendThenProbe(Buffer.from(V.V1), '07'); // no tail, the probe right behind it
    expect(await refusals('HJ212_UNTERMINATED')).toHaveLength(1);
  });

  it('a refused unknown-MN packet is stored by re-processing once the device is registered', async () => {
    await addDevice(
      db.pool,
      { mn: 'NEW0000000000000000000001', site: 'probe-site', password: '123456', protocol_version: '2017' },
      SYSTEM_ACTOR,
    );
    const [result] = await reprocessRefusedRows(
      db.pool,
      { reasonCode: 'HJ212_UNKNOWN_MN' },
      { clock, by: 'test' },
    );
    expect(result!.refused).toBe(0);
    expect((await values('probe_site', 'pm25')).some((r) => r.value === 33)).toBe(true);
    expect((await refusals('HJ212_UNKNOWN_MN'))[0]!.status).toBe('reprocessed');
  });

  it('X8 a flooding connection is closed; a device on another connection is not affected', async () => {
    const flood = await connect();
    const good = await connect();
    await flood.send(Buffer.concat([Buffer.from('##9999'), Buffer.alloc(100 * 1024, 0x41)]));
    await flood.closed;
    await good.send(wire(V.V1));
    expect(await good.waitForReplies(1)).toEqual([ACK.V1]);
    good.close();
  });
});

describe('after the commit', () => {
  it('a failing follow-up (the rollup refresh request: Redis down) does not hold back the acknowledgement', async () => {
    let asked = 0;
    const other = await startHj212Receiver(OPTIONS, {
      ...DEPS(),
      onIngested: async () => {
        asked += 1;
        throw new Error('Redis is down');
      },
    });
    try {
      const c = await DeviceClient.connect(other.address.port);
      await c.send(
        upload({
          mn: 'probe-1',
          cn: '2061',
          flag: 5,
          qn: '20260110080000000',
          dataTime: '20260110070000',
          values: { a34004: { value: '17' } },
        }),
      );
      expect(await c.waitForReplies(1)).toHaveLength(1);
      c.close();
      await other.settle();
      expect(asked).toBe(1);
      const rows = await values('probe_site', 'pm25');
      expect(rows.map((r) => [r.ts.toISOString(), r.value])).toContainEqual(['2026-01-09T23:00:00.000Z', 17]);
    } finally {
      await other.stop();
    }
  });
});

describe('per-device stats', () => {
  it('counts packets, acknowledgements, rows and the version per MN', async () => {
    await receiver.settle();
    const { rows } = await db.pool.query(
      `SELECT protocol_version, packets::int, acked::int, rows_written::int, last_data_at FROM hj212_device_stats WHERE mn = $1`,
      [MN],
    );
    expect(rows[0].packets).toBeGreaterThan(60);
    expect(rows[0].acked).toBeGreaterThan(55);
    expect(rows[0].rows_written).toBeGreaterThan(100);
    expect(rows[0].protocol_version).toBe('2017');
  });
});
