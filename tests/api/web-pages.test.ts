/** The dashboard's pages over HTTP (the browser test drives the main path; this covers the rest). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { INBOX_PAGE } from '../../services/web/web-routes.js';
import { useApiServer } from './harness.js';
import { createUser, seedAlert, seedDistricts, TEST_PASSWORD, type TestUser } from './factories.js';

// Caught e-mail as the demo's catcher leaves it (services/demo/mail-catcher.ts).
const mailDir = mkdtempSync(path.join(tmpdir(), 'envwatch-mail-'));
const server = useApiServer({ MAIL_CATCHER_DIR: mailDir });
let bureau: TestUser;
let area: TestUser;
let admin: TestUser;
let refusedId: number;

async function session(u: TestUser): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: u.username, password: TEST_PASSWORD }),
  });
  return {
    cookie: res.headers.get('set-cookie')!.split(';')[0]!,
    csrf: ((await res.json()) as { csrfToken: string }).csrfToken,
  };
}

const page = (path: string, cookie: string) =>
  fetch(`${server.url}${path}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
const form = (path: string, cookie: string, fields: Record<string, string>) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });

beforeAll(async () => {
  const pool = server.db.pool;
  await seedDistricts(pool);
  bureau = await createUser(pool, 'bureau');
  area = await createUser(pool, 'area', { areaId: 'beiyuan' });
  admin = await createUser(pool, 'admin');
  writeCaughtMail();
  await seedAlert(pool, { scopeId: 'beiyuan' });
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO ingest_batch (source_id, adapter, status, received, refused, finished_at) VALUES ('feed', 'file_drop', 'done', 1, 1, now()) RETURNING id`,
  );
  const r = await pool.query<{ id: number }>(
    `INSERT INTO refused_row (batch_id, source_id, row_number, raw, reason_code, reason_detail)
     VALUES ($1, 'feed', 2, '{"time":"2024-03-01T09:00:00+08:00","series":"北苑示例站X","metric":"pm25","value":"41"}', 'UNKNOWN_SERIES', 'no station') RETURNING id`,
    [rows[0]!.id],
  );
  refusedId = r.rows[0]!.id;
});

describe('dashboard pages', () => {
  it('sends a browser without a session to the login form, keeping where it was going', async () => {
    const res = await fetch(`${server.url}/alerts`, { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login?next=%2Falerts');
    const login = await fetch(`${server.url}/login`);
    expect(await login.text()).toContain('登录 envwatch');
  });

  it('refuses a wrong password on the form and logs in with the right one', async () => {
    const bad = await form('/login', '', { username: bureau.username, password: 'nope', next: '/alerts' });
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('用户名或密码错误');
    const good = await form('/login', '', {
      username: bureau.username,
      password: TEST_PASSWORD,
      next: '//evil.example/',
    });
    expect(good.status).toBe(303);
    expect(good.headers.get('location')).toBe('/'); // no open redirect
  });

  it('renders the reports and ingestion pages with a strict content security policy', async () => {
    const { cookie } = await session(bureau);
    const reports = await page('/reports', cookie);
    expect(reports.status).toBe(200);
    expect(reports.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await reports.text()).toContain('尚无归档报告');
    const ingest = await page('/ingest?lang=en', cookie);
    const html = await ingest.text();
    expect(html).toContain('Refused rows');
    expect(html).toContain('UNKNOWN_SERIES');
    expect(html).toContain('北苑示例站X'); // escaped raw row, shown as text
  });

  it('keeps the ingestion page from street/town accounts', async () => {
    const { cookie } = await session(area);
    expect((await page('/ingest', cookie)).status).toBe(403);
    expect((await page('/areas/zhongcang', cookie)).status).toBe(403);
    expect((await page('/areas/beiyuan', cookie)).status).toBe(200);
  });

  it("puts a past year's ranks beside the monthly chart and each alert's explanation and acknowledgement on one row", async () => {
    // Issue 17 item 2 (a street/town page in a screen and a half): a year with no last-30-days series gives
    // that half of the chart row to the ranks, and a compact alert card is one row shorter.
    const { cookie } = await session(area);
    const res = await page('/areas/beiyuan?year=2020', cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/class="chart-pair">[\s\S]*data-testid="last30-empty"[\s\S]*id="ranks"/);
    expect(html.match(/id="ranks"/g)).toHaveLength(1);
    expect(html).toMatch(
      /class="alert-row">\s*<details class="alert-body">[\s\S]*?<\/details>\s*<form method="post" action="\/alerts\/\d+\/ack"/,
    );
  });

  it('pages the alerts inbox at 50, newest first, with an older link that keeps the filter', async () => {
    const ids: number[] = [];
    for (let i = 0; i < INBOX_PAGE + 5; i++)
      ids.push(await seedAlert(server.db.pool, { scopeId: 'zhongcang', state: 'resolved' }));
    const newestFirst = ids.reverse();
    const { cookie } = await session(bureau);
    const first = await (await page('/alerts?state=resolved&severity=&area=zhongcang', cookie)).text();
    const shown = (h: string) => [...h.matchAll(/data-alert-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(shown(first)).toEqual(newestFirst.slice(0, INBOX_PAGE));
    const older = /<a rel="next" href="([^"]+)"/.exec(first)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toBe(
      `/alerts?state=resolved&severity=&area=zhongcang&before=${newestFirst[INBOX_PAGE - 1]}`,
    );
    const second = await (await page(older!, cookie)).text();
    expect(shown(second)).toEqual(newestFirst.slice(INBOX_PAGE));
    expect(second).not.toContain('rel="next"');
    expect(second).toContain('href="/alerts?state=resolved&amp;severity=&amp;area=zhongcang"');
  });

  it('discards a refused row from the ingestion page with the CSRF token, and not without it', async () => {
    const { cookie, csrf } = await session(bureau);
    expect((await form(`/ingest/refused/${refusedId}/discard`, cookie, { reason: 'x' })).status).toBe(403);
    const res = await form(`/ingest/refused/${refusedId}/discard`, cookie, {
      _csrf: csrf,
      reason: 'test feed',
    });
    expect(res.status).toBe(303);
    const { rows } = await server.db.pool.query(`SELECT status, resolved_by FROM refused_row WHERE id = $1`, [
      refusedId,
    ]);
    expect(rows[0]).toEqual({ status: 'discarded', resolved_by: bureau.username });
  });

  it('logs out and ends the session', async () => {
    const { cookie, csrf } = await session(bureau);
    const out = await form('/logout', cookie, { _csrf: csrf });
    expect(out.status).toBe(303);
    expect((await page('/', cookie)).status).toBe(303);
  });
});

function writeCaughtMail(): void {
  const eml = [
    'From: envwatch <alerts@envwatch.local>',
    'To: zhang@beiyuan.example',
    'Subject: =?UTF-8?B?' + Buffer.from('【超标】北苑街道 PM2.5').toString('base64') + '?=',
    'Message-ID: <a1@envwatch.local>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    '北苑街道 2024年PM2.5累计浓度 41.2 µg/m³，超过目标 35。',
    '--b',
    'Content-Type: application/pdf; name="report.pdf"',
    'Content-Disposition: attachment; filename="report.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 test').toString('base64'),
    '--b--',
    '',
  ].join('\r\n');
  writeFileSync(path.join(mailDir, '0001-超标-北苑街道-PM2-5.eml'), eml);
  const entry = {
    n: 1,
    file: '0001-超标-北苑街道-PM2-5.eml',
    subject: '【超标】北苑街道 PM2.5',
    from: 'envwatch <alerts@envwatch.local>',
    to: ['zhang@beiyuan.example'],
    date: '2024-06-15T02:00:00.000Z',
    messageId: '<a1@envwatch.local>',
    bytes: eml.length,
  };
  // A tampered entry pointing outside the directory must not be served.
  const evil = { ...entry, n: 2, file: '../../etc/passwd.eml' };
  writeFileSync(path.join(mailDir, 'index.json'), JSON.stringify([entry]));
  writeFileSync(path.join(mailDir, 'index-evil.json'), JSON.stringify([entry, evil]));
}

describe('the caught e-mail of the demo', () => {
  it('lists and shows messages to admins, with the .eml to download', async () => {
    const { cookie } = await session(admin);
    const overview = await (await page('/reports', cookie)).text();
    expect(overview).toContain('href="/mail"');
    const list = await page('/mail', cookie);
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain('【超标】北苑街道 PM2.5');
    expect(listHtml).toContain('zhang@beiyuan.example');
    const one = await (await page('/mail/1', cookie)).text();
    expect(one).toContain('北苑街道 2024年PM2.5累计浓度 41.2 µg/m³，超过目标 35。');
    expect(one).toContain('report.pdf');
    const eml = await page('/mail/1/eml', cookie);
    expect(eml.headers.get('content-type')).toContain('message/rfc822');
    expect(eml.headers.get('content-disposition')).toContain("filename*=UTF-8''0001-");
    expect(await eml.text()).toContain('Message-ID: <a1@envwatch.local>');
    expect((await page('/mail/9', cookie)).status).toBe(404);
  });

  it('is for admins only: the messages carry addresses', async () => {
    const { cookie } = await session(bureau);
    expect(await (await page('/reports', cookie)).text()).not.toContain('href="/mail"');
    expect((await page('/mail', cookie)).status).toBe(403);
    expect((await page('/mail/1', cookie)).status).toBe(403);
  });

  it('refuses an index entry that points outside the directory', async () => {
    const { copyFileSync } = await import('node:fs');
    copyFileSync(path.join(mailDir, 'index-evil.json'), path.join(mailDir, 'index.json'));
    const { cookie } = await session(admin);
    const res = await page('/mail/2/eml', cookie);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain('root:');
  });
});
