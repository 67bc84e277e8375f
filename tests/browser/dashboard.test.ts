/**
 * The dashboard in a real browser: the system Chromium, headless, driven by playwright-core. Screenshots are
 * kept in tests/artifacts/ (desktop and phone-sized).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
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
const server = useApiServer();
let browser: Browser;
let bureau: TestUser;
let alertId: number;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  bureau = await createUser(pool, 'bureau');
  await seedScopeDaily(pool, 'tongzhou', '2024-01-01', '2024-06-15', (i) => 32 + (i % 7));
  await seedScopeDaily(pool, 'tongzhou', '2023-01-01', '2023-06-15', () => 38);
  for (const [area, base] of [
    ['beiyuan', 30],
    ['zhongcang', 41],
    ['yongshun', 36],
  ] as const) {
    await seedScopeDaily(pool, area, '2024-01-01', '2024-06-15', (i) => base + (i % 5));
    await seedScopeDaily(pool, area, '2023-01-01', '2023-06-15', () => 37);
  }
  await pool.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     SELECT s, 'pm25', make_date(2024, m, 1), v + m, 28, 28, true, 0
       FROM (VALUES ('zhongcang', 40), ('beiyuan', 30), ('yongshun', 35), ('tongzhou', 34)) AS a(s, v), generate_series(1, 5) AS m`,
  );
  await seedHeavyDays(pool, 'tongzhou', ['2024-01-12', '2024-02-03']);
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-05',
    scopeId: 'zhongcang',
    periodKey: '2024',
    status: 'breached',
    value: 43,
  });
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-05',
    scopeId: 'yongshun',
    periodKey: '2024',
    status: 'at_risk',
    value: 38,
  });
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-05',
    scopeId: 'beiyuan',
    periodKey: '2024',
    status: 'met',
    value: 32,
  });
  await seedEvaluation(pool, {
    targetId: 'TZ24-AIR-01',
    scopeId: 'tongzhou',
    periodKey: '2024',
    status: 'at_risk',
    value: 35,
  });
  alertId = await seedAlert(pool, {
    scopeId: 'zhongcang',
    targetId: 'TZ24-AIR-05',
    title: '【未达标】中仓街道 PM2.5累计浓度同比未改善（2024）',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function logIn(page: Page, user: TestUser = bureau): Promise<void> {
  await page.goto(`${server.url}/`);
  await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
  await page.fill('#username', user.username);
  await page.fill('#password', TEST_PASSWORD);
  await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
}

describe('dashboard in Chromium', () => {
  it('logs in, opens the overview and a street/town, and acknowledges an alert', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await logIn(page);
    await expect.poll(() => page.locator('#tiles .tile').count()).toBe(3);
    expect(await page.locator('[data-area="zhongcang"]').getAttribute('data-status')).toBe('breached');
    expect(await page.locator('h1').innerText()).toContain('通州区 2024年 概览');
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-desktop.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/areas\/zhongcang/), page.click('[data-area="zhongcang"]')]);
    expect(await page.locator('h1').innerText()).toBe('中仓街道');
    await expect.poll(() => page.locator('#targets tbody tr').count()).toBe(1);
    const card = page.locator(`[data-alert-id="${alertId}"]`);
    expect(await card.getAttribute('data-state')).toBe('firing');
    await page.screenshot({ path: path.join(ARTIFACTS, 'area-before-ack.png'), fullPage: true });

    await card.locator('input[name=comment]').fill('已通知施工工地落实洒水降尘');
    await Promise.all([page.waitForURL(/acked=/), card.locator('button[type=submit]').click()]);
    const after = page.locator(`[data-alert-id="${alertId}"]`);
    expect(await after.getAttribute('data-state')).toBe('acknowledged');
    expect(await after.innerText()).toContain('已通知施工工地落实洒水降尘');
    await page.screenshot({ path: path.join(ARTIFACTS, 'area-after-ack.png'), fullPage: true });
    const { rows } = await server.db.pool.query(`SELECT state, acknowledged_by FROM alert WHERE id = $1`, [
      alertId,
    ]);
    expect(rows[0]).toEqual({ state: 'acknowledged', acknowledged_by: `user:${bureau.username}` });
    await context.close();
  });

  it('works on a phone-sized screen, in English on request', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await logIn(page);
    await page.goto(`${server.url}/?lang=en`);
    expect(await page.locator('h1').innerText()).toBe('Tongzhou District 2024 overview');
    // Nothing wider than the screen: no sideways scrolling of the page itself.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: path.join(ARTIFACTS, 'overview-phone-en.png'), fullPage: true });
    await page.goto(`${server.url}/alerts?state=`);
    expect(await page.locator(`[data-alert-id="${alertId}"] [data-testid=alert-state]`).innerText()).toBe(
      'Acknowledged',
    );
    await page.screenshot({ path: path.join(ARTIFACTS, 'alerts-phone-en.png'), fullPage: true });
    await context.close();
  });
});
