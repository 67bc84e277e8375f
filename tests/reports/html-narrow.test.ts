/**
 * The HTML report on a phone (390 px, seen in a screenshot): the page itself never scrolls sideways — a
 * ranking table too wide for the screen scrolls in its own box. Runs where Chromium is installed.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { collectMonthlyReport } from '../../services/reports/collect-monthly.js';
import { renderMonthlyHtml } from '../../services/reports/render/html-monthly.js';
import { launchChromium } from '../helpers/browser.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const hasChromium = existsSync(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium');
const db = useTestDatabase();
let browser: Browser | undefined;

beforeAll(async () => {
  await insertReference(db.pool);
  await insertMarchDataset(db.pool);
  if (hasChromium) browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!hasChromium)('the HTML report at 390 px', () => {
  it('keeps the page within the screen; the wide ranking table scrolls in its own box', async () => {
    const data = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-03' });
    const { html } = renderMonthlyHtml(data, {
      locale: 'zh-CN',
      version: 1,
      producedAt: new Date('2024-04-05T01:30:00Z'),
      supersedes: null,
      charts: 'svg',
    });
    const page = await browser!.newPage({ viewport: { width: 390, height: 800 } });
    await page.setContent(html);
    const widths = (await page.evaluate(
      `({ page: document.documentElement.scrollWidth,
          tables: [...document.querySelectorAll('table')].map((t) => [t.clientWidth, t.scrollWidth]) })`,
    )) as { page: number; tables: [number, number][] };
    expect(widths.page).toBeLessThanOrEqual(390);
    // The rankings are wider than the screen: they scroll, inside a box no wider than it.
    expect(widths.tables.some(([client, scroll]) => scroll > client)).toBe(true);
    expect(Math.max(...widths.tables.map(([client]) => client))).toBeLessThanOrEqual(390);
  }, 60_000);
});
