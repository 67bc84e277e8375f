import { beforeAll, describe, expect, it } from 'vitest';
import { ensurePartitionsFor, upsertMeasurements } from '../../services/store/measurement-queries.js';
import { processRollupQueue } from '../../services/store/rollups.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';
import { client, json, useApiServer } from './harness.js';
import {
  createUser,
  seedAlert,
  seedDistricts,
  seedEvaluation,
  seedHeavyDays,
  seedScopeDaily,
  seedTargets,
  type TestUser,
} from './factories.js';

const server = useApiServer();
let bureau: TestUser;

interface Points {
  bucket: string;
  truncated: boolean;
  points: {
    t: string;
    value: number | null;
    valid: boolean;
    dataVersion: string;
    flags: string[];
    n: number | null;
  }[];
}

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  bureau = await createUser(pool, 'bureau');
  // 2024-03-01 (Shanghai): 24 hours at the Beiyuan station, the first two audited and flagged; 2024-03-02: 10 hours only.
  const rows = [
    ...Array.from({ length: 24 }, (_, h) => ({
      ts: shanghaiInstant('2024-03-01', h),
      value: 30 + h,
      flags: h === 0 ? ['calibration'] : [],
      dataVersion: (h < 2 ? 1 : 0) as 0 | 1,
    })),
    ...Array.from({ length: 10 }, (_, h) => ({
      ts: shanghaiInstant('2024-03-02', h),
      value: 50,
      flags: [],
      dataVersion: 0 as const,
    })),
  ].map((r) => ({ ...r, seriesId: 'st_beiyuan_1', metricId: 'pm25' }));
  await ensurePartitionsFor(pool, rows[0]!.ts, rows[rows.length - 1]!.ts);
  await upsertMeasurements(pool, rows, { sourceId: 'test', batchId: null });
  await processRollupQueue(pool);
});

describe('GET /api/measurements', () => {
  it('returns raw hours of a series with data version and flags, in a Shanghai-day range', async () => {
    const res = await client(server, bureau.token).get(
      '/api/measurements?series=st_beiyuan_1&metric=pm25&from=2024-03-01&to=2024-03-01&bucket=hour',
    );
    expect(res.status).toBe(200);
    const body = await json<Points>(res);
    expect(body.points).toHaveLength(24);
    expect(body.points[0]).toEqual({
      t: '2024-02-29T16:00:00.000Z',
      value: 30,
      valid: true,
      dataVersion: 'audited',
      flags: ['calibration'],
      n: 1,
    });
    expect(body.points[2]).toMatchObject({ value: 32, dataVersion: 'provisional', flags: [] });
  });

  it('returns daily means of a series, marking a day with fewer than 20 hours invalid', async () => {
    const body = await json<Points>(
      await client(server, bureau.token).get(
        '/api/measurements?series=st_beiyuan_1&metric=pm25&from=2024-03-01&to=2024-03-31&bucket=day',
      ),
    );
    expect(body.points).toEqual([
      { t: '2024-03-01', value: 41.5, valid: true, dataVersion: 'provisional', flags: [], n: 24 },
      {
        t: '2024-03-02',
        value: 50,
        valid: false,
        dataVersion: 'provisional',
        flags: ['insufficient_hours'],
        n: 10,
      },
    ]);
  });

  it('returns the month of a series as the mean of its valid days', async () => {
    const body = await json<Points>(
      await client(server, bureau.token).get(
        '/api/measurements?series=st_beiyuan_1&metric=pm25&from=2024-03-01&to=2024-03-31&bucket=month',
      ),
    );
    expect(body.points).toEqual([
      { t: '2024-03', value: 41.5, valid: true, dataVersion: 'provisional', flags: [], n: 1 },
    ]);
  });

  it('returns the scope aggregate of a street/town from scope_daily', async () => {
    const body = await json<Points>(
      await client(server, bureau.token).get(
        '/api/measurements?scope=beiyuan&metric=pm25&from=2024-03-01&to=2024-03-02',
      ),
    );
    expect(body.points[0]).toMatchObject({ t: '2024-03-01', value: 41.5, valid: true });
    expect(body.points[1]).toMatchObject({ t: '2024-03-02', valid: false });
  });

  it('refuses hours of a scope, inverted ranges, unknown metrics and series', async () => {
    const c = client(server, bureau.token);
    expect(
      (await c.get('/api/measurements?scope=beiyuan&metric=pm25&from=2024-03-01&to=2024-03-02&bucket=hour'))
        .status,
    ).toBe(400);
    expect(
      (await c.get('/api/measurements?series=st_beiyuan_1&metric=pm25&from=2024-03-02&to=2024-03-01')).status,
    ).toBe(400);
    expect(
      (
        await c.get(
          '/api/measurements?series=st_beiyuan_1&scope=beiyuan&metric=pm25&from=2024-03-01&to=2024-03-01',
        )
      ).status,
    ).toBe(400);
    expect(
      (await c.get('/api/measurements?series=st_beiyuan_1&metric=nope&from=2024-03-01&to=2024-03-01')).status,
    ).toBe(404);
    expect(
      (await c.get('/api/measurements?series=nowhere&metric=pm25&from=2024-03-01&to=2024-03-01')).status,
    ).toBe(404);
    const tooLong = await c.get(
      '/api/measurements?series=st_beiyuan_1&metric=pm25&from=2024-01-01&to=2024-12-31&bucket=hour',
    );
    expect(tooLong.status).toBe(400);
    expect(await json(tooLong)).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
  });
});

describe('GET /api/overview', () => {
  beforeAll(async () => {
    const pool = server.db.pool;
    // 2024-01-01 .. 2024-06-15 (167 days); the same days of 2023 for the year-on-year change.
    await seedScopeDaily(pool, 'tongzhou', '2024-01-01', '2024-06-15', (i) => (i % 2 === 0 ? 30 : 40));
    await seedScopeDaily(pool, 'tongzhou', '2023-01-01', '2023-06-15', () => 40);
    await seedScopeDaily(pool, 'zhongcang', '2024-01-01', '2024-06-15', () => 44);
    await seedHeavyDays(pool, 'tongzhou', ['2024-01-10', '2024-03-20', '2024-03-21']);
    await pool.query(
      `INSERT INTO sand_dust_period (starts_at, ends_at, district_id, source) VALUES ('2024-03-20T00:00:00+08', '2024-03-21T00:00:00+08', 'tongzhou', 'test')`,
    );
    await seedEvaluation(pool, {
      targetId: 'TZ24-AIR-05',
      scopeId: 'zhongcang',
      periodKey: '2024',
      status: 'breached',
      value: 44,
    });
    await seedEvaluation(pool, {
      targetId: 'TZ24-AIR-05',
      scopeId: 'yongshun',
      periodKey: '2024',
      status: 'met',
      value: 30,
    });
    await seedEvaluation(pool, {
      targetId: 'TZ24-AIR-01',
      scopeId: 'tongzhou',
      periodKey: '2024',
      status: 'at_risk',
      value: 35,
    });
    await seedAlert(pool, { scopeId: 'zhongcang' });
  });

  it('gives YTD PM2.5 against the target, heavy-pollution days and a tile per street/town', async () => {
    const res = await client(server, bureau.token).get('/api/overview?district=tongzhou&year=2024');
    expect(res.status).toBe(200);
    const o = await json<
      Record<string, unknown> & {
        pm25: Record<string, unknown>;
        heavyDays: Record<string, unknown>;
        areas: Record<string, unknown>[];
      }
    >(res);
    expect(o.asOf).toBe('2024-06-15');
    // 167 days alternating 30/40 starting with 30: 84 × 30 + 83 × 40 = 5840 → 34.97.
    expect(o.pm25).toMatchObject({ validDays: 167, target: 35, lastYear: 40, dataVersion: 'provisional' });
    expect(o.pm25.ytd as number).toBeCloseTo(5840 / 167, 6);
    expect(o.pm25.changePct as number).toBeCloseTo(((5840 / 167 - 40) / 40) * 100, 6);
    expect(o.districtStatus).toBe('at_risk');
    expect(o.heavyDays).toEqual({
      count: 3,
      excludingSandDust: 2,
      target: 4,
      days: ['2024-01-10', '2024-03-20', '2024-03-21'],
    });
    const tiles = Object.fromEntries(o.areas.map((a) => [a.id, a]));
    expect(tiles.zhongcang).toMatchObject({ status: 'breached', pm25Ytd: 44, openAlerts: 1, validDays: 167 });
    expect(tiles.yongshun).toMatchObject({ status: 'met', pm25Ytd: null });
    expect(tiles.beiyuan).toMatchObject({ status: 'none' });
  });

  it('gives a street/town summary with targets, monthly trend and open alerts', async () => {
    const s = await json<{
      targets: { target_id: string; status: string }[];
      trend: { monthly: { area: unknown[] } };
      openAlerts: unknown[];
      pm25: { ytd: number };
    }>(await client(server, bureau.token).get('/api/areas/zhongcang/summary?year=2024'));
    expect(s.targets).toEqual([expect.objectContaining({ target_id: 'TZ24-AIR-05', status: 'breached' })]);
    expect(s.pm25.ytd).toBe(44);
    expect(s.openAlerts).toHaveLength(1);
  });

  it('answers 404 for an unknown district or street/town', async () => {
    expect((await client(server, bureau.token).get('/api/overview?district=atlantis')).status).toBe(404);
    expect((await client(server, bureau.token).get('/api/areas/atlantis/summary')).status).toBe(404);
  });
});
