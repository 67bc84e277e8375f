/**
 * Issue 17 item 8: every dashboard page and the JSON reads behind it, for each role — admin, an unscoped
 * bureau, a bureau scoped to Tongzhou and one scoped to the BDA (migration 0100), a Tongzhou street user,
 * readonly and a unit account — with the status each must get. A 403 is the point where it is expected: an
 * empty page would look like "no problems".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { client, useApiServer } from './harness.js';
import { createUser, seedAlert, seedDistricts, seedEvaluation, seedTargets } from './factories.js';
import { addUser } from '../../services/auth/accounts.js';
import { SYSTEM_ACTOR } from '../../services/auth/audit-log.js';

const server = useApiServer();
type Who = 'admin' | 'bureau' | 'bureauTz' | 'bureauBda' | 'area' | 'readonly' | 'unit';
const tokens = {} as Record<Who, string>;
let tzAlert = 0;
let bdaAlert = 0;

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  await pool.query(`INSERT INTO unit (id, name_zh, name_en, kind, district_id) VALUES
    ('water_bureau', '区水务局', 'District Water Authority', 'department', 'tongzhou') ON CONFLICT DO NOTHING`);
  tokens.admin = (await createUser(pool, 'admin')).token;
  tokens.bureau = (await createUser(pool, 'bureau')).token;
  tokens.area = (await createUser(pool, 'area', { areaId: 'zhongcang' })).token;
  tokens.readonly = (await createUser(pool, 'readonly')).token;
  tokens.unit = (await createUser(pool, 'unit', { unitId: 'water_bureau' })).token;
  for (const [who, district] of [
    ['bureauTz', 'tongzhou'],
    ['bureauBda', 'bda'],
  ] as const) {
    const { user } = await addUser(pool, SYSTEM_ACTOR, {
      username: `scoped-${district}`,
      role: 'bureau',
      districtIds: [district],
    });
    const other = await createUser(pool, 'bureau', { username: `tmp-${district}` });
    // The factory issues tokens; move its token to the scoped account made through the real verb.
    await pool.query('UPDATE api_token SET user_id = $1 WHERE user_id = $2', [user.id, other.id]);
    tokens[who] = other.token;
  }
  tzAlert = await seedAlert(pool, { scopeId: 'zhongcang', targetId: 'TZ24-AIR-05', title: '中仓预警' });
  bdaAlert = await seedAlert(pool, { scopeId: 'ronghua', targetId: 'TZ24-AIR-05', title: '荣华预警' });
  // A delivery and a current status on each side, for the JSON lists below.
  await pool.query(
    `INSERT INTO contact (id, name_zh, role, email, mobile, year_from, is_district_leadership) VALUES ('scope-c1', '王五', '分管副区长', 'w@example.cn', '13900000009', 2024, true)`,
  );
  for (const [i, id] of [tzAlert, bdaAlert].entries())
    await pool.query(
      `INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, idempotency_key, status)
       VALUES ($1, 'scope-c1', 'leadership', 'sms', '13900000009', 'zh-CN', 'open:1', $2, 'sent')`,
      [id, `scope-k${i}`],
    );
  for (const scopeId of ['zhongcang', 'ronghua', 'tongzhou', 'bda'])
    await seedEvaluation(pool, { targetId: 'TZ24-AIR-05', scopeId, periodKey: '2024', status: 'breached' });
});

/** One row per path: the status for admin, bureau, bureauTz, bureauBda, area, readonly, unit. */
const TABLE: [string, [number, number, number, number, number, number, number]][] = [
  // A unit account's home is its task page: `/` redirects it there (the client follows: 200), whatever the query.
  ['/?year=2024', [200, 200, 200, 200, 200, 200, 200]],
  ['/?district=bda&year=2024', [200, 200, 403, 200, 403, 200, 200]],
  ['/areas/tongzhou?year=2024', [200, 200, 200, 403, 200, 200, 403]],
  ['/areas/zhongcang?year=2024', [200, 200, 200, 403, 200, 200, 403]],
  ['/areas/beiyuan?year=2024', [200, 200, 200, 403, 403, 200, 403]],
  ['/areas/ronghua?year=2024', [200, 200, 403, 200, 403, 200, 403]],
  // Without ?district= a scoped bureau opens on its own district.
  ['/water?year=2024', [200, 200, 200, 200, 200, 200, 403]],
  ['/water?district=tongzhou&year=2024', [200, 200, 200, 403, 200, 200, 403]],
  ['/map?year=2024', [200, 200, 200, 200, 200, 200, 403]],
  ['/map?district=tongzhou&year=2024', [200, 200, 200, 403, 200, 200, 403]],
  ['/map?district=bda&year=2024', [200, 200, 403, 200, 403, 200, 403]],
  ['/alerts', [200, 200, 200, 200, 200, 200, 403]],
  ['/alerts/{tz}', [200, 200, 200, 403, 200, 200, 403]],
  ['/alerts/{bda}', [200, 200, 403, 200, 403, 200, 403]],
  ['/reports', [200, 200, 200, 200, 200, 200, 403]],
  ['/ingest', [200, 200, 200, 200, 403, 200, 403]],
  ['/deliveries', [200, 200, 200, 200, 403, 403, 403]],
  ['/admin/audit', [200, 403, 403, 403, 403, 403, 403]],
  ['/admin/contacts', [200, 403, 403, 403, 403, 403, 403]],
  ['/admin/coverage', [200, 403, 403, 403, 403, 403, 403]],
  ['/admin/devices', [200, 403, 403, 403, 403, 403, 403]],
  ['/api/areas/zhongcang/summary?year=2024', [200, 200, 200, 403, 200, 200, 403]],
  ['/api/alerts/{bda}', [200, 200, 403, 200, 403, 200, 403]],
  ['/api/alerts', [200, 200, 200, 200, 200, 200, 403]],
  ['/api/deliveries', [200, 200, 200, 200, 200, 200, 403]],
  ['/api/status?period=2024', [200, 200, 200, 200, 200, 200, 403]],
  ['/api/audit', [200, 403, 403, 403, 403, 403, 403]],
];
const WHO: Who[] = ['admin', 'bureau', 'bureauTz', 'bureauBda', 'area', 'readonly', 'unit'];

describe('every page for every role', () => {
  for (const [template, statuses] of TABLE) {
    it(`${template}: ${WHO.map((w, i) => `${w} ${statuses[i]}`).join(', ')}`, async () => {
      const path = template.replace('{tz}', String(tzAlert)).replace('{bda}', String(bdaAlert));
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const [i, who] of WHO.entries()) {
        got[who] = (await client(server, tokens[who]).get(path)).status;
        want[who] = statuses[i]!;
      }
      expect(got).toEqual(want);
    });
  }

  it("a unit account's `/` is a redirect to its task page, not the overview", async () => {
    const res = await fetch(`${server.url}/?year=2024`, {
      headers: { authorization: `Bearer ${tokens.unit}` },
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/tasks');
  });

  it('the Tongzhou bureau inbox lists Tongzhou alerts only; the unscoped bureau lists both', async () => {
    const tz = await (await client(server, tokens.bureauTz).get('/alerts?state=')).text();
    expect(tz).toContain(`data-alert-id="${tzAlert}"`);
    expect(tz).not.toContain(`data-alert-id="${bdaAlert}"`);
    const all = await (await client(server, tokens.bureau).get('/alerts?state=')).text();
    expect(all).toContain(`data-alert-id="${bdaAlert}"`);
  });

  // The JSON lists behind the pages: a scoped bureau gets its district's rows, never the other's — and the
  // unscoped bureau both (so an empty list cannot pass for a filter).
  const LISTS: [string, (body: never) => string[]][] = [
    ['/api/alerts?state=firing', (b: { alerts: { id: number }[] }) => b.alerts.map((a) => `alert ${a.id}`)],
    [
      '/api/deliveries',
      (b: { deliveries: { alert_id: number }[] }) => b.deliveries.map((d) => `alert ${d.alert_id}`),
    ],
    [
      '/api/status?period=2024&limit=500',
      (b: { statuses: { scope_id: string }[] }) => b.statuses.map((s) => s.scope_id),
    ],
  ];
  for (const [path, rowsOf] of LISTS) {
    it(`${path} for a scoped bureau lists its own district's rows only`, async () => {
      const rows = async (who: Who) =>
        rowsOf((await (await client(server, tokens[who]).get(path)).json()) as never);
      const tzRows = [`alert ${tzAlert}`, 'zhongcang', 'tongzhou'];
      const bdaRows = [`alert ${bdaAlert}`, 'ronghua', 'bda'];
      const tz = await rows('bureauTz');
      const bda = await rows('bureauBda');
      const all = await rows('bureau');
      expect(tz.some((r) => tzRows.includes(r))).toBe(true);
      expect(tz.filter((r) => bdaRows.includes(r))).toEqual([]);
      expect(bda.some((r) => bdaRows.includes(r))).toBe(true);
      expect(bda.filter((r) => tzRows.includes(r))).toEqual([]);
      expect(all.some((r) => bdaRows.includes(r)) && all.some((r) => tzRows.includes(r))).toBe(true);
    });
  }

  it('a district scope is refused for any role but bureau, and for an unknown district', async () => {
    await expect(
      addUser(server.db.pool, SYSTEM_ACTOR, {
        username: 'ro-scoped',
        role: 'readonly',
        districtIds: ['bda'],
      }),
    ).rejects.toThrow(/only bureau accounts are scoped to districts/);
    await expect(
      addUser(server.db.pool, SYSTEM_ACTOR, { username: 'b-nowhere', role: 'bureau', districtIds: ['mars'] }),
    ).rejects.toThrow(/unknown district: mars/);
  });
});
