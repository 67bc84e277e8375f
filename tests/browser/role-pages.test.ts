/**
 * The role pages of issue 17 in Chromium at a phone's 390 px and a desktop's 1,400 px: the district page, the
 * street/town matrix, the water page, the alert detail page, the warning banner, the map, the operations
 * pages and the delivery history. Each visit fails on a console error, on the page itself scrolling
 * sideways, or on a serious or critical axe-core accessibility violation; screenshots go to tests/artifacts/
 * (gitignored).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  openSession,
  seriousA11yViolations,
  type BrowserSession,
} from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiServer } from '../api/harness.js';
import {
  createUser,
  seedAlert,
  seedDistricts,
  seedEvaluation,
  seedHeavyDays,
  seedScopeDaily,
  seedTargets,
  TEST_PASSWORD,
  type TestUser,
} from '../api/factories.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const WIDTHS = [390, 1400] as const;
const server = useApiServer();
let browser: Browser;
let bureau: TestUser;
let admin: TestUser;
let areaUser: TestUser;
let alertId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  bureau = await createUser(pool, 'bureau');
  admin = await createUser(pool, 'admin');
  areaUser = await createUser(pool, 'area', { areaId: 'zhongcang' });
  await seedScopeDaily(pool, 'tongzhou', '2024-01-01', '2024-06-15', (i) => 32 + (i % 7));
  await seedScopeDaily(pool, 'tongzhou', '2023-01-01', '2023-06-15', () => 38);
  for (const [area, base] of [
    ['beiyuan', 30],
    ['zhongcang', 41],
    ['yongshun', 36],
  ] as const) {
    await seedScopeDaily(pool, area, '2024-01-01', '2024-06-15', (i) => base + (i % 5));
  }
  await pool.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT s, 'pm25', make_date(y, m, 1), v + m + (2024 - y) * 4, 28, 28, true, 0
       FROM (VALUES ('zhongcang', 40), ('beiyuan', 30), ('yongshun', 35), ('tongzhou', 34)) AS a(s, v),
            generate_series(1, 5) AS m, (VALUES (2023), (2024)) AS yy(y)
     ON CONFLICT DO NOTHING`,
  );
  await seedHeavyDays(pool, 'tongzhou', ['2024-01-12', '2024-02-03']);
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-01',
    scopeId: 'tongzhou',
    periodKey: '2024',
    status: 'at_risk',
    value: 36,
  });
  for (const [m, status, v] of [
    ['2024-03', 'met', 33],
    ['2024-04', 'breached', 44],
    ['2024-05', 'at_risk', 36],
  ] as const) {
    await seedEvaluation(pool, {
      targetId: 'TZ24-AIR-05',
      scopeId: 'zhongcang',
      periodKey: m,
      status,
      value: v,
    });
  }
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-05',
    scopeId: 'zhongcang',
    periodKey: '2024',
    status: 'breached',
    value: 43,
  });
  alertId = await seedAlert(pool, {
    scopeId: 'zhongcang',
    targetId: 'TZ24-AIR-05',
    title: '【未达标】中仓街道 PM2.5累计浓度同比未改善（2024）',
  });
  await pool.query(`INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id, river_zh, river_en, section_kinds, waterbody, is_example) VALUES
    ('ws_zhongcang_out', 'water_section', '中仓出境断面', 'Zhongcang outflow', 'tongzhou', 'zhongcang', '萧太后河', 'Xiaotaihou River', '{town_outflow}', 'river', true),
    ('ws_beiyuan_out', 'water_section', '北苑出境断面', 'Beiyuan outflow', 'tongzhou', 'beiyuan', '通惠河', 'Tonghui River', '{town_outflow}', 'river', true)`);
  await pool.query(`INSERT INTO site_water_target (site_id, year, target_class, source) VALUES
    ('ws_zhongcang_out', 2024, 4, 'test'), ('ws_beiyuan_out', 2024, 4, 'test')`);
  await pool.query(
    `INSERT INTO water_section_class (site_id, period_kind, period_start, month, water_class, target_class, meets_target,
       deciding_parameters, parameter_classes, parameter_values, n_samples, min_version)
     SELECT site, 'month', (make_date(2024, m, 1)::timestamp AT TIME ZONE 'Asia/Shanghai'), make_date(2024, m, 1),
            CASE WHEN site = 'ws_zhongcang_out' AND m = 3 THEN 5 ELSE 4 END, 4,
            NOT (site = 'ws_zhongcang_out' AND m = 3),
            CASE WHEN site = 'ws_zhongcang_out' AND m = 3 THEN '{nh3n}'::text[] ELSE '{cod}'::text[] END, '{}', '{}', 2, 0
       FROM (VALUES ('ws_zhongcang_out'), ('ws_beiyuan_out')) AS s(site), generate_series(1, 5) AS m`,
  );
  await pool.query(`INSERT INTO heavy_pollution_warning (external_id, level, starts_at, district_id, issuer, measures) VALUES
    ('w-test-1', 'orange', '2024-06-14T20:00:00+08', 'tongzhou', '区重污染应急指挥部', '工地停止土石方作业'),
    ('w-test-old', 'red', '2024-01-10T20:00:00+08', 'tongzhou', '区重污染应急指挥部', NULL)`);
  await pool.query(
    `UPDATE heavy_pollution_warning SET ends_at = '2024-01-12T00:00:00+08' WHERE external_id = 'w-test-old'`,
  );
  // Coordinates for the map (the factories' sites have none), and one failed SMS for the delivery history.
  await pool.query(`UPDATE site SET latitude = v.lat, longitude = v.lon
      FROM (VALUES ('st_beiyuan_1', 39.905, 116.645), ('st_zhongcang_1', 39.902, 116.667),
                   ('st_yongshun_1', 39.926, 116.665), ('ws_zhongcang_out', 39.89, 116.68)) AS v(id, lat, lon)
     WHERE site.id = v.id`);
  await pool.query(`INSERT INTO unit (id, name_zh, name_en, kind, district_id, area_id) VALUES
    ('gov_zhongcang', '中仓街道办事处', 'Zhongcang Subdistrict Office', 'area', 'tongzhou', 'zhongcang') ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO contact (id, name_zh, unit_id, role, email, mobile, locale, year_from) VALUES
    ('c-zhang', '张三', 'gov_zhongcang', '主任', 'zhang@example.cn', '13800000001', 'zh-CN', 2020) ON CONFLICT DO NOTHING`);
  await pool.query(
    `INSERT INTO delivery (alert_id, recipient_id, recipient_role, channel, address, locale, step, idempotency_key,
                           status, attempts, last_error)
     VALUES ($1, 'c-zhang', 'area', 'sms', '13800000001', 'zh-CN', 'open:1', 'k-1', 'failed', 3, 'isv.MOBILE_NUMBER_ILLEGAL'),
            ($1, 'c-zhang', 'area', 'email', 'zhang@example.cn', 'zh-CN', 'open:1', 'k-2', 'sent', 1, NULL)`,
    [alertId],
  );
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

/** Every case opens its own page first, so a session from saved cookies skips the landing page. */
function session(user: TestUser, width: number): Promise<BrowserSession> {
  return openSession(browser, { baseUrl: server.url, user, password: TEST_PASSWORD, width, land: false });
}

/** Opens `url`, checks the status, no console error and no page-level sideways scroll; keeps a screenshot. */
async function visit(page: Page, errors: string[], url: string, shot: string, width: number, status = 200) {
  const res = await page.goto(`${server.url}${url}`);
  expect(res?.status(), url).toBe(status);
  expect(errors, url).toEqual([]);
  expect(await page.evaluate('document.documentElement.scrollWidth'), url).toBeLessThanOrEqual(width);
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}-${width}.png`), fullPage: true });
  const serious = await seriousA11yViolations(page);
  expect(serious, `${url} at ${width} px`).toEqual([]);
}

describe('role pages in Chromium', () => {
  it('the accessibility scan reports a serious violation when a page has one', async () => {
    const { context, page } = await session(bureau, 390);
    // An image without a text alternative and a button without a name: both critical in axe-core.
    await page.setContent(
      '<!doctype html><html lang="zh-CN"><title>x</title><main><h1>x</h1><img src="data:,"><button></button></main></html>',
    );
    const found = await seriousA11yViolations(page);
    expect(found.map((v) => v.split(':')[0]).sort()).toEqual(['button-name', 'image-alt']);
    await context.close();
  });

  for (const width of WIDTHS) {
    it(`district page /areas/tongzhou at ${width} px`, async () => {
      const { context, page, errors } = await session(bureau, width);
      await visit(page, errors, '/areas/tongzhou?year=2024', 'district', width);
      expect(await page.locator('h1').innerText()).toBe('通州区 2024年 区级目标');
      const row = page.locator('#district-targets tr[data-target="TZ24-AIR-01"]');
      expect(await row.getAttribute('data-status')).toBe('at_risk');
      // 36 over 167 days (to 2024-06-15), 35 for the year of 366: (35·366 − 36·167) / 199 = 34.16…
      expect(await row.locator('[data-testid=projection]').innerText()).toBe('剩余199天须平均不高于34.2');
      // On a phone the projection is on screen without scrolling the table, and axis labels are ≥ 9 px tall.
      const projection = await row.locator('[data-testid=projection]').boundingBox();
      expect(projection!.x + projection!.width).toBeLessThanOrEqual(width);
      const labelHeights = await page
        .locator('svg.chart text:not([text-anchor="start"])')
        .evaluateAll((ts) => ts.map((t) => t.getBoundingClientRect().height));
      expect(Math.min(...labelHeights)).toBeGreaterThanOrEqual(9);
      expect(await page.locator('[data-testid=heavy-incl]').innerText()).toContain('含沙尘 2');
      expect(await page.locator('#rank-month caption').innerText()).toContain('2024-05');
      expect(await page.locator('#rank-month tbody tr').first().innerText()).toContain('北苑街道');
      expect(await page.locator('#rank-ytd tbody tr').count()).toBe(3);
      expect(await page.locator('svg.chart').count()).toBe(1);
      // The orange warning in force is on the page; the red one of January has ended.
      expect(await page.locator('.warning-banner').count()).toBe(1);
      expect(await page.locator('.warning-banner.level-orange').innerText()).toContain('工地停止土石方作业');
      await context.close();
    });
  }

  for (const width of WIDTHS) {
    it(`street/town page as a target × period matrix at ${width} px`, async () => {
      const { context, page, errors } = await session(bureau, width);
      await visit(page, errors, '/areas/zhongcang?year=2024', 'area-matrix', width);
      // One row per target; its months and its year are cells of that row.
      expect(await page.locator('#targets tbody tr').count()).toBe(1);
      const row = page.locator('#targets tr[data-target="TZ24-AIR-05"]');
      expect(await row.locator('td.cell:not(.empty)').count()).toBe(4);
      const april = row.locator('td[data-period="2024-04"]');
      expect(await april.getAttribute('data-status')).toBe('breached');
      expect(await april.locator('.pop').isVisible()).toBe(false);
      // A tap (or click) opens the cell's explanation.
      await april.locator('summary').click();
      expect(await april.locator('.pop').innerText()).toContain('累计均值44，限值35。');
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.screenshot({ path: path.join(ARTIFACTS, `area-matrix-open-${width}.png`), fullPage: true });
      expect(await page.locator('.alert-group[data-group="TZ24-AIR-05"] [data-alert-id]').count()).toBe(1);
      await context.close();
    });
  }

  for (const width of WIDTHS) {
    it(`water page at ${width} px`, async () => {
      const { context, page, errors } = await session(bureau, width);
      await visit(page, errors, '/water?year=2024', 'water', width);
      expect(await page.locator('#water tbody tr[data-section]').count()).toBe(2);
      expect(await page.locator('.warning-banner').innerText()).toContain(
        '重污染天气橙色预警生效中：通州区 全区',
      );
      const row = page.locator('#water tr[data-section="ws_zhongcang_out"]');
      expect(await row.locator('[data-testid=target-class]').innerText()).toBe('Ⅳ');
      const march = row.locator('td[data-month="2024-03"]');
      expect(await march.getAttribute('class')).toContain('s-breached');
      expect(await march.innerText()).toContain('Ⅴ');
      expect(await march.locator('.decided').innerText()).toBe('nh3n');
      expect(await row.locator('td[data-month="2024-04"]').getAttribute('class')).toContain('s-met');
      await context.close();
    });
  }

  for (const width of WIDTHS) {
    it(`alert detail page at ${width} px: evaluations, comment${width > 600 ? ', acknowledge' : ''}`, async () => {
      const { context, page, errors } = await session(bureau, width);
      await visit(page, errors, `/alerts/${alertId}`, 'alert-detail', width);
      expect(await page.locator('#evaluations tbody tr[data-evaluation]').count()).toBe(1);
      const text = `已电话督办 ${width}`;
      await page.fill('#comment-form input[name=text]', text);
      await Promise.all([page.waitForURL(/commented=1/), page.click('#comment-form button[type=submit]')]);
      expect(await page.locator('#events tr[data-event="comment"]').last().innerText()).toContain(text);
      const { rows } = await server.db.pool.query(
        `SELECT actor, detail->>'text' AS text FROM alert_event WHERE alert_id = $1 AND kind = 'comment' ORDER BY id DESC LIMIT 1`,
        [alertId],
      );
      expect(rows[0]).toEqual({ actor: `user:${bureau.username}`, text });
      if (width > 600) {
        const card = page.locator(`[data-alert-id="${alertId}"]`);
        await card.locator('input[name=comment]').fill('已确认');
        await Promise.all([page.waitForURL(/acked=/), card.locator('button[type=submit]').click()]);
        expect(new URL(page.url()).pathname).toBe(`/alerts/${alertId}`);
        expect(await page.locator(`[data-alert-id="${alertId}"]`).getAttribute('data-state')).toBe(
          'acknowledged',
        );
        expect(await page.locator('#events tr[data-event="acknowledged"]').count()).toBe(1);
      }
      await page.screenshot({
        path: path.join(ARTIFACTS, `alert-detail-after-${width}.png`),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('an area user reads its district page but not another street/town (403)', async () => {
    const { context, page, errors } = await session(areaUser, 390);
    await visit(page, errors, '/areas/tongzhou?year=2024', 'district-area-user', 390);
    // Its district's ranking lists only what it may read: its own street/town.
    expect(await page.locator('#rank-ytd tbody tr').count()).toBe(1);
    const res = await page.goto(`${server.url}/areas/beiyuan?year=2024`);
    expect(res?.status()).toBe(403);
    await page.goto(`${server.url}/alerts`);
    expect(await page.locator(`[data-alert-id="${alertId}"]`).count()).toBe(1);
    // A town sees the sections it is responsible for.
    await page.goto(`${server.url}/water?year=2024`);
    expect(await page.locator('#water tbody tr[data-section]').count()).toBe(1);
    expect(await page.locator('#water tr[data-section="ws_zhongcang_out"]').count()).toBe(1);
    await context.close();
  });

  for (const width of WIDTHS) {
    it(`map at ${width} px: outline, sites, street/town tile grid`, { timeout: 180_000 }, async () => {
      const { context, page, errors } = await session(admin, width);
      await visit(page, errors, '/map?year=2024', 'map', width);
      expect(await page.locator('#district-map svg.map').count()).toBe(1);
      // The three streets/towns as tiles, coloured by their worst verdict, each on its own cell.
      const tiles = page.locator('#tile-grid a.gtile');
      expect(await tiles.count()).toBe(3);
      expect(await page.locator('#tile-grid a[data-area="zhongcang"]').getAttribute('data-status')).toBe(
        'breached',
      );
      const cells = await tiles.evaluateAll((as) => as.map((a) => `${a.dataset.row},${a.dataset.col}`));
      expect(new Set(cells).size).toBe(3);
      expect(await page.locator('#map-sites tr[data-site="ws_zhongcang_out"]').innerText()).toContain('示例');
      await context.close();
    });

    it(`operations pages and delivery history at ${width} px`, { timeout: 180_000 }, async () => {
      const { context, page, errors } = await session(admin, width);
      await visit(page, errors, '/admin/audit', 'audit', width);
      await visit(page, errors, '/admin/contacts?year=2024', 'contacts', width);
      await visit(page, errors, '/admin/coverage?month=2024-06', 'coverage', width);
      expect(await page.locator('#data-coverage tbody tr').count()).toBe(3);
      await visit(page, errors, '/admin/devices', 'devices', width);
      await visit(page, errors, '/deliveries', 'deliveries', width);
      expect(await page.locator('#deliveries tbody tr').count()).toBe(2);
      await visit(page, errors, '/deliveries?failed=1', 'deliveries-failed', width);
      expect(await page.locator('#deliveries tbody tr').count()).toBe(1);
      expect(await page.locator('#deliveries tbody tr').innerText()).toContain('isv.MOBILE_NUMBER_ILLEGAL');
      await context.close();
    });

    it(`overview, inbox, reports and ingestion at ${width} px`, { timeout: 180_000 }, async () => {
      const { context, page, errors } = await session(admin, width);
      for (const [url, shot] of [
        ['/?year=2024', 'overview'],
        ['/alerts', 'alerts'],
        ['/reports', 'reports'],
        ['/ingest', 'ingest'],
      ] as const)
        await visit(page, errors, url, shot, width);
      await context.close();
    });
  }
});
