/** Bull Board for administrators, in the system Chromium (headless); screenshot in tests/artifacts/. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiServer } from '../api/harness.js';
import { createUser, seedDistricts, TEST_PASSWORD } from '../api/factories.js';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const server = useApiServer();
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await seedDistricts(server.db.pool);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('queue dashboard', () => {
  it('is linked for administrators and shows every queue', async () => {
    const admin = await createUser(server.db.pool, 'admin');
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/login?next=%2F`);
    await page.fill('#username', admin.username);
    await page.fill('#password', TEST_PASSWORD);
    await Promise.all([page.waitForURL(`${server.url}/`), page.click('button[type=submit]')]);
    await page.click('a[href="/admin/queues"]');
    for (const queue of ['ingest', 'rollups', 'evaluate', 'alerts', 'deliveries', 'reports', 'maintenance']) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    expect(new URL(page.url()).pathname).toBe('/admin/queues');
    await page.screenshot({ path: path.join(ARTIFACTS, 'queues-admin.png') });
    await page.close();
  });
});
