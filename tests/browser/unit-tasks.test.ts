/**
 * The unit's task page (issue 16 item 2) in Chromium at 390 px and 1,400 px: a unit account logs in, lands on
 * its own tasks for the month pre-filled with last month's report, records a status, a text and a file, and
 * a manual indicator; another unit's page or file is 403; the bureau opens the unit and downloads the file.
 * Each visit fails on a console error or on the page scrolling sideways; screenshots go to tests/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { seedPlansAndTasks } from '../tasks/task-fixtures.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, TEST_PASSWORD, type TestUser } from '../api/factories.js';
import { useApiServer } from '../api/harness.js';
import {
  launchChromium,
  openSession,
  seriousA11yViolations,
  type BrowserSession,
} from '../helpers/browser.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const server = useApiServer();
let browser: Browser;
let water: TestUser;
let bureau: TestUser;
let waterTasks: string[];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const pool = server.db.pool;
  await seedPlansAndTasks(pool);
  water = await createUser(pool, 'unit', { unitId: 'water_bureau' });
  bureau = await createUser(pool, 'bureau');
  // May's report: June's form starts from it.
  await pool.query(
    `INSERT INTO task_progress (task_id, unit_id, month, status, note, reported_by, reported_via)
     VALUES ('TZ24-WAT-001', 'water_bureau', '2024-05-01', 'in_progress', '完成8个断面5月监测', 'seed', 'api')`,
  );
  const { rows } = await pool.query<{ task_id: string }>(
    `SELECT r.task_id FROM task_reporting_unit r JOIN task t ON t.id = r.task_id JOIN plan p ON p.id = t.plan_id
      WHERE r.unit_id = 'water_bureau' AND p.year = 2024 AND t.enabled ORDER BY r.task_id`,
  );
  waterTasks = rows.map((r) => r.task_id);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function session(user: TestUser, width: number, home: RegExp): Promise<BrowserSession> {
  return openSession(browser, { baseUrl: server.url, user, password: TEST_PASSWORD, width, home });
}

/** No sideways scroll and no serious or critical axe-core violation; screenshots of the page and its top. */
async function noSideScroll(page: Page, width: number, shot: string) {
  expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
  expect(await seriousA11yViolations(page), `${shot} at ${width} px`).toEqual([]);
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}-${width}.png`), fullPage: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${shot}-${width}-top.png`) });
}

// A unit answers for ~75 tasks: the pages are long and the machine shared, so each case gets 3 minutes.
describe('the unit’s task page in Chromium', { timeout: 180_000 }, () => {
  it('at 390 px: lands on its own tasks, pre-filled, and records a status, a text and a file', async () => {
    const { context, page, errors } = await session(water, 390, /\/tasks$/);
    expect(await page.locator('h1').innerText()).toBe('区水务局 · 2024年6月任务进展');
    expect(await page.locator('article[id^="task-"]').count()).toBe(waterTasks.length);
    const card = page.locator('#task-TZ24-WAT-001');
    expect(await card.locator('.prefill').innerText()).toContain('上次（2024年5月）为「推进中」');
    await card.locator('summary').click();
    expect(await card.locator('input[value=in_progress]').isChecked()).toBe(true);
    expect(await card.locator('textarea[name=note]').inputValue()).toBe('完成8个断面5月监测');
    // Only its own tasks: nothing of 区生态环境局's alone.
    expect(await page.locator('#task-TZ24-AIR-071').count()).toBe(0);
    expect(await page.locator('nav a').allInnerTexts()).toEqual(['任务填报']);
    await noSideScroll(page, 390, 'unit-tasks');

    await card.locator('input[value=done]').check();
    await card.locator('textarea[name=note]').fill('8个断面6月全部达标，台账见附件');
    await card.locator('input[type=file]').setInputFiles({
      name: '6月台账.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('%PDF-1.4\n% 6月台账\n'),
    });
    await Promise.all([page.waitForURL(/saved=TZ24-WAT-001/), card.locator('button[type=submit]').click()]);
    expect(await page.locator('.notice').innerText()).toContain('TZ24-WAT-001');
    const { rows } = await server.db.pool.query(
      `SELECT status, note, attachment_name, attachment_type, reported_via FROM task_progress
        WHERE task_id = 'TZ24-WAT-001' AND unit_id = 'water_bureau' AND month = '2024-06-01'`,
    );
    expect(rows).toEqual([
      {
        status: 'done',
        note: '8个断面6月全部达标，台账见附件',
        attachment_name: '6月台账.pdf',
        attachment_type: 'application/pdf',
        reported_via: 'web',
      },
    ]);
    expect(await page.locator('#task-TZ24-WAT-001 a[href^="/tasks/attachment/"]').innerText()).toBe(
      '6月台账.pdf',
    );
    await noSideScroll(page, 390, 'unit-tasks-saved');

    // The filter and the search work without script: 未上报 no longer lists the task just reported (but for
    // the ✓ of the save, which keeps it in view), and a search by id finds the task in its section.
    await Promise.all([page.waitForURL(/filter=unreported/), page.locator('.chips a').nth(1).click()]);
    expect(await page.locator('#task-TZ24-WAT-001').count()).toBe(0);
    expect(await page.locator('article[id^="task-"]').count()).toBe(waterTasks.length - 1);
    await page.locator('input[name=q]').fill('wat-001');
    await Promise.all([page.waitForURL(/q=wat-001/), page.locator('form[role=search] button').click()]);
    expect(await page.locator('article[id^="task-"]').count()).toBe(0); // reported: not under 未上报
    await page.goto(`${server.url}/tasks?q=wat-001`);
    expect(await page.locator('article[id^="task-"]').allInnerTexts()).toHaveLength(1);
    expect(await page.locator('details.task-section[open] #task-TZ24-WAT-001').count()).toBe(1);
    await noSideScroll(page, 390, 'unit-tasks-search');

    // Another unit's page and file: 403. A file that is not what it claims: refused with what is accepted.
    expect((await page.goto(`${server.url}/tasks?unit=eeb`))?.status()).toBe(403);
    expect((await page.goto(`${server.url}/tasks/attachment/TZ24-AIR-071/eeb/2024-06`))?.status()).toBe(403);
    expect((await page.goto(`${server.url}/alerts`))?.status()).toBe(403);
    await page.goto(`${server.url}/tasks`);
    const other = page.locator(`#task-${waterTasks.find((t) => t !== 'TZ24-WAT-001')}`);
    await other.locator('summary').click();
    await other.locator('input[value=in_progress]').check();
    await other.locator('input[type=file]').setInputFiles({
      name: 'run.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('#!/bin/sh\necho hi\n'),
    });
    const [res] = await Promise.all([
      page.waitForResponse(/\/tasks\/progress/),
      other.locator('button[type=submit]').click(),
    ]);
    expect(res.status()).toBe(400);
    expect(await page.locator('main').innerText()).toContain('accepted: PDF, PNG, JPEG');
    expect(errors.filter((e) => !e.includes('400') && !e.includes('403'))).toEqual([]);
    await context.close();
  });

  it('refuses a multipart progress post without the session’s CSRF token', async () => {
    const { context, page } = await session(water, 1400, /\/tasks$/);
    const res = await page.request.post(`${server.url}/tasks/progress`, {
      multipart: { task: 'TZ24-WAT-001', unit: 'water_bureau', month: '2024-06', status: 'late' },
      maxRedirects: 0,
    });
    expect(res.status()).toBe(403);
    const { rows } = await server.db.pool.query(
      `SELECT status FROM task_progress WHERE task_id = 'TZ24-WAT-001' AND month = '2024-06-01'`,
    );
    expect(rows.map((r) => r.status)).not.toContain('late');
    await context.close();
  });

  it('at 1,400 px: records a manual indicator; the bureau opens the unit and downloads its file', async () => {
    const { context, page, errors } = await session(water, 1400, /\/tasks$/);
    const ind = page.locator('#ind-TZ24-OPS-02-tongzhou');
    await ind.locator('input[name=value]').fill('12');
    await ind.locator('textarea[name=note]').fill('6月2次降雨，最长12小时清理完毕');
    await Promise.all([page.waitForURL(/saved=TZ24-OPS-02/), ind.locator('button[type=submit]').click()]);
    const { rows } = await server.db.pool.query(
      `SELECT value, unit_id, reported_via FROM manual_indicator_value WHERE metric_id = 'post_rain_cleanup_max_hours'`,
    );
    expect(rows).toEqual([{ value: 12, unit_id: 'water_bureau', reported_via: 'web' }]);
    expect(await page.locator('#ind-TZ24-OPS-02-tongzhou input[name=value]').inputValue()).toBe('12');
    await noSideScroll(page, 1400, 'unit-tasks');
    expect(errors).toEqual([]);
    await context.close();

    const b = await session(bureau, 1400, /\/$/);
    await b.page.goto(`${server.url}/tasks?month=2024-06`);
    expect(await b.page.locator('#units a[href*="unit=water_bureau"]').count()).toBe(1);
    await noSideScroll(b.page, 1400, 'unit-tasks-bureau');
    await b.page.goto(`${server.url}/tasks?unit=water_bureau&month=2024-06`);
    const href = await b.page
      .locator('#task-TZ24-WAT-001 a[href^="/tasks/attachment/"]')
      .getAttribute('href');
    const file = await b.page.request.get(`${server.url}${href}`);
    expect(file.status()).toBe(200);
    expect(file.headers()['content-type']).toBe('application/pdf');
    expect(file.headers()['content-disposition']).toContain(encodeURIComponent('6月台账.pdf'));
    expect((await file.body()).toString()).toContain('%PDF-1.4');
    expect(b.errors).toEqual([]);
    await b.context.close();
  });
});
