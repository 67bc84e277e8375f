/** A device silent past 3 × its expected interval raises the stale-source condition; a packet resolves it. */
import { beforeAll, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';
import { checkDeviceSilence } from '../../services/ingest/hj212/device-silence.js';
import { addDeviceStats } from '../../services/ingest/hj212/device-queries.js';
import { addDevice, addSite } from '../../services/registry/registry.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const MN = 'QUIET0000000000000000001';

beforeAll(async () => {
  await seedRealReference(db.pool);
  await addSite(
    db.pool,
    { code: 'quiet-1', kind: 'air_station', name_zh: '静默站', district_id: 'tongzhou' },
    SYSTEM_ACTOR,
  );
  await addDevice(
    db.pool,
    { mn: MN, site: 'quiet-1', password: '123456', protocol_version: '2017', expected_interval_seconds: 60 },
    SYSTEM_ACTOR,
  );
});

async function condition() {
  const { rows } = await db.pool.query(
    `SELECT c.opened_at, c.resolved_at, c.detail_zh, s.stale_since FROM source_condition c
       JOIN source_status s ON s.source_id = c.source_id WHERE c.source_id = $1`,
    [`hj212:${MN}`],
  );
  return rows;
}

it('opens the stale condition after three silent intervals and resolves it when the device is heard', async () => {
  const registered = (
    await db.pool.query<{ t: Date }>(`SELECT created_at AS t FROM hj212_device WHERE mn = $1`, [MN])
  ).rows[0]!.t;
  const at = (s: number) => new Date(registered.getTime() + s * 1000);
  expect(await checkDeviceSilence(db.pool, at(170))).toEqual({ opened: [], resolved: [] });
  expect(await checkDeviceSilence(db.pool, at(190))).toEqual({ opened: [MN], resolved: [] });
  expect(await checkDeviceSilence(db.pool, at(250))).toEqual({ opened: [], resolved: [] }); // one episode
  const [open] = await condition();
  expect(open.resolved_at).toBeNull();
  expect(open.stale_since).not.toBeNull();
  expect(open.detail_zh).toContain('自');
  await addDeviceStats(db.pool, [
    {
      mn: MN,
      seenAt: at(260),
      dataAt: at(0),
      version: '2017',
      peer: null,
      packets: 1,
      acked: 1,
      rows: 2,
      refusals: {},
      crcVariants: { standard: 1 },
    },
  ]);
  expect(await checkDeviceSilence(db.pool, at(270))).toEqual({ opened: [], resolved: [MN] });
  const [closed] = await condition();
  expect(closed.resolved_at).not.toBeNull();
  expect(closed.stale_since).toBeNull();
});
