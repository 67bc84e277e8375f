/**
 * The unit's task page for a month's reporting (issue #16/#17 leftover), over HTTP as 区生态环境局's unit
 * account: tasks grouped by the plan's sections in the plan's order, each section counted and open only where
 * something is still owed; the filter (all / 未上报 / 滞后 / 已完成) and the search by name or id as query
 * parameters, carried back through a save. The month is June 2024 (the harness's clock).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seedPlansAndTasks } from '../tasks/task-fixtures.js';
import { createUser, TEST_PASSWORD } from './factories.js';
import { useApiServer } from './harness.js';

const server = useApiServer();
let cookie: string;
let csrf: string;
/** 区生态环境局's 2024 tasks in the plan's order, with their section. */
let tasks: { id: string; section: string; name: string }[];

interface Section {
  name: string;
  open: boolean;
  summary: string;
  ids: string[];
}

/** The page's sections as rendered: <details class="task-section"> with an <h3> and one article per task. */
function sectionsOf(page: string): Section[] {
  return page
    .split('<details class="task-section"')
    .slice(1)
    .map((chunk) => {
      const summary = /<summary>([\s\S]*?)<\/summary>/.exec(chunk)?.[1] ?? '';
      return {
        name: /<h3>([^<]*)<\/h3>/.exec(chunk)?.[1] ?? '',
        open: /^\s*open\s*>/.test(chunk),
        summary: summary
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
        ids: [...chunk.matchAll(/<article class="task-row" id="task-([^"]+)"/g)].map((m) => m[1]!),
      };
    });
}

const idsOf = (page: string) => sectionsOf(page).flatMap((s) => s.ids);

async function page(query: string): Promise<string> {
  const res = await fetch(`${server.url}/tasks?month=2024-06${query}`, {
    headers: { cookie, accept: 'text/html' },
  });
  expect(res.status, query).toBe(200);
  return res.text();
}

const inSection = (section: string) => tasks.filter((t) => t.section === section);

beforeAll(async () => {
  const pool = server.db.pool;
  await seedPlansAndTasks(pool);
  const user = await createUser(pool, 'unit', { unitId: 'eeb' });
  const res = await fetch(`${server.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: TEST_PASSWORD }),
  });
  cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  const { rows } = await pool.query<{ id: string; section: string; name: string }>(
    `SELECT t.id, t.section, t.key_task_zh AS name FROM task t
       JOIN task_reporting_unit r ON r.task_id = t.id AND r.unit_id = 'eeb'
       JOIN plan p ON p.id = t.plan_id AND p.year = 2024
      WHERE t.enabled ORDER BY t.plan_ord`,
  );
  tasks = rows;
  const report = (task: string, month: string, status: string) =>
    pool.query(
      `INSERT INTO task_progress (task_id, unit_id, month, status, note, reported_by, reported_via)
       VALUES ($1, 'eeb', $2, $3, '', 'seed', 'api')`,
      [task, month, status],
    );
  // 生态保护: all reported for June. 蓝天: its first task 滞后 in May, its second 已完成 in May (closed),
  // its third reported 推进中 for June. 碧水: its first 已完成 in June.
  for (const t of inSection('生态保护')) await report(t.id, '2024-06-01', 'in_progress');
  const air = inSection('蓝天');
  await report(air[0]!.id, '2024-05-01', 'late');
  await report(air[1]!.id, '2024-05-01', 'done');
  await report(air[2]!.id, '2024-06-01', 'in_progress');
  await report(inSection('碧水')[0]!.id, '2024-06-01', 'done');
});

describe('the unit’s task page, grouped by the plan’s sections', () => {
  it('lists every task once under its section, the sections in the plan’s order, counted', async () => {
    const sections = sectionsOf(await page(''));
    expect(sections.map((s) => s.name)).toEqual(['蓝天', '碧水', '净土', '应对气候变化', '生态保护']);
    for (const s of sections) expect(s.ids, s.name).toEqual(inSection(s.name).map((t) => t.id));
    const air = sections[0]!;
    const n = inSection('蓝天').length;
    // 1 reported for June; the one closed in May is owed nothing: n − 2 still to report.
    expect(air.summary).toBe(`蓝天 ${n} 项 · 本月已填报 1 待填报 ${n - 2}`);
    const eco = sections[4]!;
    expect(eco.summary).toBe(`生态保护 ${inSection('生态保护').length} 项 · 本月已填报 ${eco.ids.length}`);
  });

  it('names the sections in Chinese, with English after it on the English page', async () => {
    const names = sectionsOf(await page('&lang=en')).map((s) => s.name);
    expect(names).toEqual([
      '蓝天 · Blue sky',
      '碧水 · Clear water',
      '净土 · Clean soil',
      '应对气候变化 · Climate change',
      '生态保护 · Ecological protection',
    ]);
  });

  it('opens only the sections with something still to report', async () => {
    const sections = sectionsOf(await page(''));
    expect(sections.map((s) => [s.name, s.open])).toEqual([
      ['蓝天', true],
      ['碧水', true],
      ['净土', true],
      ['应对气候变化', true],
      ['生态保护', false],
    ]);
  });

  it('shows what June still owes under 未上报: neither the reported nor the task closed in May', async () => {
    const air = inSection('蓝天');
    const owed = tasks
      .filter((t) => t.section !== '生态保护')
      .filter((t) => ![air[1]!.id, air[2]!.id, inSection('碧水')[0]!.id].includes(t.id))
      .map((t) => t.id);
    const html = await page('&filter=unreported');
    expect(idsOf(html)).toEqual(owed);
    expect(sectionsOf(html).map((s) => s.name)).toEqual(['蓝天', '碧水', '净土', '应对气候变化']);
    expect(html).toContain(`aria-current="page"`);
  });

  it('shows the task last reported 滞后 under 滞后, and the done ones under 已完成', async () => {
    const air = inSection('蓝天');
    expect(idsOf(await page('&filter=late'))).toEqual([air[0]!.id]);
    expect(idsOf(await page('&filter=done'))).toEqual([air[1]!.id, inSection('碧水')[0]!.id]);
  });

  it('finds tasks by a piece of their id, any case, or of their name, every word matching', async () => {
    const air = inSection('蓝天');
    expect(idsOf(await page(`&q=${encodeURIComponent(air[0]!.id.toLowerCase())}`))).toEqual([air[0]!.id]);
    const name = air[0]!.name;
    const byName = tasks.filter((t) => t.name.includes(name)).map((t) => t.id);
    expect(idsOf(await page(`&q=${encodeURIComponent(name)}`))).toEqual(byName);
    const both = `${name} ${air[0]!.id.slice(-3)}`;
    expect(idsOf(await page(`&q=${encodeURIComponent(both)}`))).toEqual(
      byName.filter((id) => id.includes(air[0]!.id.slice(-3))),
    );
    const none = await page(`&q=${encodeURIComponent('没有这样的任务')}`);
    expect(idsOf(none)).toEqual([]);
    expect(none).toContain('没有符合条件的任务。');
  });

  it('combines the filter with the search, and refuses an unknown filter', async () => {
    const air = inSection('蓝天');
    expect(idsOf(await page(`&filter=late&q=${encodeURIComponent(air[1]!.id)}`))).toEqual([]);
    const res = await fetch(`${server.url}/tasks?month=2024-06&filter=everything`, {
      headers: { cookie, accept: 'text/html' },
    });
    expect(res.status).toBe(400);
  });

  it('comes back to the same filter and search after a save, showing the saved task', async () => {
    const task = inSection('净土')[0]!.id;
    const body = new FormData();
    for (const [k, v] of Object.entries({
      _csrf: csrf,
      task,
      unit: 'eeb',
      month: '2024-06',
      status: 'in_progress',
      note: '6月完成土壤详查',
      filter: 'unreported',
      q: '净土 保卫',
    }))
      body.append(k, v);
    const res = await fetch(`${server.url}/tasks/progress`, {
      method: 'POST',
      headers: { cookie },
      body,
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    const back = new URL(location, server.url);
    expect(back.searchParams.get('filter')).toBe('unreported');
    expect(back.searchParams.get('q')).toBe('净土 保卫');
    expect(back.hash).toBe(`#task-${task}`);
    // The saved task is no longer owed, yet stays on the page so its ✓ is seen.
    const html = await page(`&filter=unreported&saved=${task}`);
    expect(idsOf(html)).toContain(task);
    expect(html).toContain('✓ 已保存');
  });
});
