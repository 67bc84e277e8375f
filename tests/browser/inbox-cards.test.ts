/**
 * The alerts inbox as an official reads it on a phone (390 px) and a desktop (1,366 px): each alert a compact
 * card — title, severity and state, scope, opened day, its key figure and due day, the acknowledge form — with
 * the explanation folded into a <details>. The inbox printed every explanation in full: the quarter demo's 48
 * open alerts were 20,306 px (24 screens) at 390 px, now 9,637 px (11.4). The words are those the alerts engine
 * writes (targetAlertText), so the bodies are as long as real ones. Screenshots go to tests/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetAlertText } from '../../services/alerts/alert-text.js';
import { useApiServer } from '../api/harness.js';
import { createUser, seedDistricts, seedTargets, TEST_PASSWORD, type TestUser } from '../api/factories.js';
import { launchChromium, openSession, seriousA11yViolations } from '../helpers/browser.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const server = useApiServer();
const N = 8;
/**
 * The most a card may take at 390 px. Measured: 200 px for a three-line title, the meta line (badges, id,
 * opened day, street/town), the key-figure line and the row with the folded explanation and the acknowledge
 * form (1,366 px: 134 px). 230 px leaves room for a wrapped meta line; the demo's cards with their explanation
 * printed took 420 px on average (20,306 px for 48).
 */
const CARD_MAX_PX = 230;
/** The inbox's own gap between cards (app.css .alert-list: 0.6rem). */
const GAP_PX = 10;
let browser: Browser;
let bureau: TestUser;

const AREAS = ['beiyuan', 'zhongcang', 'yongshun'] as const;
const AREA_ZH: Record<string, string> = { beiyuan: '北苑街道', zhongcang: '中仓街道', yongshun: '永顺镇' };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pool = server.db.pool;
  await seedDistricts(pool);
  await seedTargets(pool);
  bureau = await createUser(pool, 'bureau');
  for (let i = 0; i < N; i++) {
    const area = AREAS[i % AREAS.length]!;
    const value = 40 + i + 0.123456;
    const text = targetAlertText({
      targetId: 'TZ24-AIR-05',
      targetTitleZh: '各街道乡镇PM2.5累计浓度同比改善',
      targetTitleEn: 'Each street/town’s cumulative PM2.5 improves year on year',
      clauseZh: '各街道乡镇细颗粒物（PM2.5）累计浓度同比改善，力争完成区级下达的年度控制目标',
      source: '002:2418-2420',
      strictness: 'hard',
      scopeZh: AREA_ZH[area]!,
      scopeEn: area,
      periodKey: '2024',
      status: 'at_risk',
      value,
      threshold: 35,
      unitZh: '微克/立方米',
      unitEn: 'ug/m3',
      explanationZh:
        `${AREA_ZH[area]} · TZ24-AIR-05（002:2418-2420）各街道乡镇PM2.5累计浓度同比改善，2024年：截至2024-06-14` +
        `累计均值${value.toFixed(1)}微克/立方米（有效天数160/166），去年同期38.0，同比上升${(value - 38).toFixed(1)}；` +
        '按当前趋势全年难以改善。当前判断：有风险（期末前为预判）。',
      explanationEn: `cumulative mean ${value.toFixed(1)} ug/m3, last year 38.0: at risk.`,
      deadline: '2024-12-31',
      asOf: '2024-06-14',
    });
    await pool.query(
      `INSERT INTO alert (kind, dedupe_key, target_id, scope_id, period_key, district_id, directory_year, state, severity,
         condition, title_zh, title_en, body_zh, body_en, facts, opened_at, fired_at, updated_at)
       VALUES ('target', $1, 'TZ24-AIR-05', $2, '2024', 'tongzhou', 2024, 'firing', 'warning', 'at_risk', $3, $4, $5, $6, $7,
               '2024-06-14T09:00:00+08', '2024-06-14T09:00:00+08', '2024-06-14T09:00:00+08')`,
      [`inbox|${i}`, area, text.titleZh, text.titleEn, text.bodyZh, text.bodyEn, JSON.stringify(text.facts)],
    );
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('the alerts inbox as compact cards', { timeout: 180_000 }, () => {
  for (const width of [390, 1366]) {
    it(`at ${width} px: key figure, due day and acknowledge in sight, the explanation folded`, async () => {
      const { context, page, errors } = await openSession(browser, {
        baseUrl: server.url,
        user: bureau,
        password: TEST_PASSWORD,
        width,
        land: false,
      });
      await page.goto(`${server.url}/alerts`);
      const cards = page.locator('#alerts [data-alert-id]');
      expect(await cards.count()).toBe(N);
      const first = cards.first();
      // Newest first: the last inserted (i = 7, 中仓街道, 47.123456 shown as 47.1).
      expect(await first.locator('.title').innerText()).toContain('中仓街道');
      expect(await first.locator('[data-testid=key-figure]').innerText()).toBe(
        '当前 47.1微克/立方米（目标值 35）',
      );
      expect(await first.locator('[data-testid=due]').innerText()).toBe('期限 2024-12-31');
      expect(await first.locator('[data-testid=alert-state]').innerText()).toBe('待确认');
      expect(await first.locator('button[type=submit]').isVisible()).toBe(true);
      // The explanation is on the page but folded; a tap (or click) opens it, without script.
      const explanation = first.locator('details.alert-body p');
      expect(await explanation.isVisible()).toBe(false);
      await first.locator('details.alert-body summary').click();
      expect(await explanation.innerText()).toContain('同比上升9.1');
      await first.locator('details.alert-body summary').click();

      const heights = await cards.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      if (width === 390) {
        for (const h of heights) expect(h).toBeLessThanOrEqual(CARD_MAX_PX);
        // The page: what is above the list, then N cards of at most CARD_MAX_PX and their gaps.
        const listTop = Number(
          await page.evaluate(
            "document.getElementById('alerts').getBoundingClientRect().top + window.scrollY",
          ),
        );
        const pageHeight = Number(await page.evaluate('document.documentElement.scrollHeight'));
        expect(pageHeight).toBeLessThanOrEqual(listTop + N * (CARD_MAX_PX + GAP_PX) + 120);
      } else {
        // A desktop card is four lines: title, meta, key figure, the explanation/acknowledge row.
        for (const h of heights) expect(h).toBeLessThanOrEqual(150);
      }
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      await page.screenshot({ path: path.join(ARTIFACTS, `inbox-cards-${width}.png`), fullPage: true });
      expect(await seriousA11yViolations(page), `/alerts at ${width} px`).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('in English at 390 px: no sideways scroll, and the acknowledge button beside the folded explanation', async () => {
    const { context, page } = await openSession(browser, {
      baseUrl: server.url,
      user: bureau,
      password: TEST_PASSWORD,
      width: 390,
      land: false,
    });
    await page.goto(`${server.url}/alerts?lang=en`);
    // The state filter's longest option made the page 415 px wide.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    const first = page.locator('#alerts [data-alert-id]').first();
    expect(await first.locator('[data-testid=key-figure]').innerText()).toBe('now 47.1 ug/m3 (target 35)');
    // "Acknowledge" is longer than 确认: it wrapped under the comment box, a line more on every card.
    const summary = (await first.locator('details.alert-body summary').boundingBox())!;
    const button = (await first.locator('button[type=submit]').boundingBox())!;
    expect(Math.abs(button.y + button.height / 2 - (summary.y + summary.height / 2))).toBeLessThan(12);
    await page.screenshot({ path: path.join(ARTIFACTS, 'inbox-cards-en-390.png'), fullPage: true });
    await context.close();
  });

  it('the alert’s own page shows its explanation in full', async () => {
    const { context, page } = await openSession(browser, {
      baseUrl: server.url,
      user: bureau,
      password: TEST_PASSWORD,
      width: 390,
      land: false,
    });
    const { rows } = await server.db.pool.query<{ id: number }>('SELECT max(id)::int AS id FROM alert');
    await page.goto(`${server.url}/alerts/${rows[0]!.id}`);
    const card = page.locator(`[data-alert-id="${rows[0]!.id}"]`);
    expect(await card.locator('details').count()).toBe(0);
    expect(await card.locator('.alert-text').isVisible()).toBe(true);
    expect(await card.locator('.alert-text').innerText()).toContain('目标原文：');
    await context.close();
  });
});
