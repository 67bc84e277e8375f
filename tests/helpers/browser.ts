/**
 * The system Chromium for the browser tests (Debian's package, installed by .ci/run: a test tool's own browser
 * download does not work on these machines). CHROMIUM_PATH overrides the path, as it does for the reports.
 * Also what the browser test files share: a logged-in session at a width, and the axe-core scan.
 */
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors since the session opened. */
  errors: string[];
}

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/**
 * Logged-in cookies per browser and user. The first session of a user goes through the login form (so each
 * file still logs in for real); later ones start from its cookies instead of submitting the form again, which
 * rendered the landing page once more per test (~3 s of a role-pages case on a loaded machine).
 */
const loggedIn = new WeakMap<Browser, Map<string, StorageState>>();

/**
 * A fresh context at `width` (a phone below 600 px: 844 px tall, 2× pixels, touch), logged in as `user`, its
 * page on `home` (where the login lands; a session started from saved cookies opens / and follows its
 * redirect there). `land: false` skips that page for a caller whose first step is a page of its own.
 * Console errors and page errors are collected into `errors`.
 */
export async function openSession(
  browser: Browser,
  opts: {
    baseUrl: string;
    user: { username: string };
    password: string;
    width: number;
    home?: RegExp | string;
    land?: boolean;
  },
): Promise<BrowserSession> {
  const { baseUrl, user, password, width } = opts;
  const home = opts.home ?? `${baseUrl}/`;
  const phone = width < 600;
  const states = loggedIn.get(browser) ?? new Map<string, StorageState>();
  loggedIn.set(browser, states);
  const key = `${baseUrl} ${user.username}`;
  const saved = states.get(key);
  const context = await browser.newContext({
    viewport: { width, height: phone ? 844 : 900 },
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    ...(saved ? { storageState: saved } : {}),
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  if (saved) {
    if (opts.land !== false) {
      await page.goto(`${baseUrl}/`);
      await page.waitForURL(home);
    }
    return { context, page, errors };
  }
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(home), page.click('button[type=submit]')]);
  states.set(key, await context.storageState());
  return { context, page, errors };
}

/**
 * The serious and critical axe-core violations on the page as it is now, one line each (rule: first targets).
 * Runs axe.run in the page (legacy mode: our pages have no iframes, so the per-frame partial runs and the extra
 * blank page the default mode opens to merge them only cost time) and asks for violations only, so passes are
 * not serialised node by node; every rule still runs.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  assertNoFrames(page);
  const scan = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .analyze();
  return scan.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(' | ')}`,
    );
}

/** Legacy mode would not look into a cross-origin frame: refuse a page that has one rather than pass it unseen. */
function assertNoFrames(page: Page): void {
  const frames = page.frames().filter((f) => f !== page.mainFrame());
  if (frames.length > 0)
    throw new Error(
      `seriousA11yViolations: ${page.url()} has ${frames.length} frame(s); scan it with AxeBuilder`,
    );
}
