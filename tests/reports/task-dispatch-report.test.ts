/**
 * The monthly 调度 report (issue #16 item 5) for Tongzhou, November 2024, produced through the archive path
 * and read back with real tools (pdftotext, exceljs, the CSV text): per unit the tasks done / on track /
 * late / not applicable / not reported — with 各街道乡镇 expanded to each street and town, a task past its
 * due date counted late even when its unit wrote 推进中, a task closed in March not owed any more — the
 * overdue list with its owners, and the manual-indicator section saying there is nothing yet. The PDF and
 * a PNG of its first page are kept in tests/artifacts/reports/ to look at.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { run as reportCommand } from '../../services/cli/commands/report.js';
import { produceReport, type ProduceResult } from '../../services/reports/produce-report.js';
import { collectTaskDispatch } from '../../services/reports/collect-task-dispatch.js';
import { pdfkitEngine } from '../../services/reports/render/pdf-engine.js';
import type { TaskDispatchData } from '../../services/reports/report-types.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { seedDirectory } from '../alerts/fixtures.js';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp-catcher.js';
import { useTestDatabase } from '../helpers/test-db.js';

const run = promisify(execFile);
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts/reports');
const db = useTestDatabase();
let data: TaskDispatchData;
let result: ProduceResult;
let outDir: string;
let smtp: SmtpCatcher | undefined;

afterAll(async () => {
  await smtp?.close();
});

const NAMES: Record<string, string> = {
  eeb: '区生态环境局',
  water_bureau: '区水务局',
  streets_towns: '各街道乡镇',
  gov_luyi: '潞邑街道办事处',
};

async function task(id: string, due: string | null, deadlineZh: string, units: [string, string][]) {
  await db.pool.query(
    `INSERT INTO task (id, plan_id, section, seq, key_task_zh, measures_zh, deadline_zh, deadline_kind, due_on,
                       lead_official_ids, source, definition)
     VALUES ($1, 'tongzhou-2024', '蓝天', '1', $2, '{措施}', $3, $4, $5, '{yao_weilong}', '002:2400', '{}')`,
    [id, `${id} 重点任务`, deadlineZh, due ? 'due' : 'ongoing', due],
  );
  for (const [i, [role, unit]] of units.entries())
    await db.pool.query(
      `INSERT INTO task_unit (task_id, ord, role, label, name_zh, unit_id) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, i, role, role === 'main' ? '主责单位' : '协办单位', NAMES[unit], unit],
    );
}

async function progress(task: string, unit: string, month: string, status: string) {
  await db.pool.query(
    `INSERT INTO task_progress (task_id, unit_id, month, status, reported_by, reported_via)
     VALUES ($1, $2, $3, $4, $2, 'api')`,
    [task, unit, `${month}-01`, status],
  );
}

beforeAll(async () => {
  await seedDirectory(db.pool);
  await db.pool.query(
    `INSERT INTO plan (id, district_id, year, name_zh, name_en, document_no)
     VALUES ('tongzhou-2024', 'tongzhou', 2024, '通州区2024年生态环境保护行动计划', 'Tongzhou 2024 plan', '通政发〔2024〕7号')`,
  );
  await task('TZ24-AIR-001', '2024-06-30', '6月底前', [
    ['main', 'eeb'],
    ['assist', 'water_bureau'],
  ]);
  await task('TZ24-AIR-002', null, '持续推进', [['main', 'streets_towns']]);
  await task('TZ24-AIR-003', '2024-12-31', '年底前', [['main', 'eeb']]);
  await task('TZ24-AIR-004', '2024-03-31', '3月底前', [['main', 'water_bureau']]);
  await task('TZ24-AIR-005', '2024-10-15', '10月15日前', [['main', 'gov_luyi']]);
  await progress('TZ24-AIR-004', 'water_bureau', '2024-03', 'done');
  await progress('TZ24-AIR-001', 'eeb', '2024-11', 'in_progress');
  await progress('TZ24-AIR-003', 'eeb', '2024-11', 'in_progress');
  await progress('TZ24-AIR-002', 'gov_beiyuan', '2024-11', 'done');
  await progress('TZ24-AIR-002', 'gov_luyi', '2024-11', 'late');
  await progress('TZ24-AIR-005', 'gov_luyi', '2024-11', 'not_applicable');
  data = await collectTaskDispatch(db.pool, { scopeId: 'tongzhou', month: '2024-11' });
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-dispatch-'));
  result = await produceReport(db.pool, {
    kind: 'task_dispatch',
    scopeId: 'tongzhou',
    periodKey: '2024-11',
    reason: 'schedule',
    locales: ['zh-CN', 'en'],
    outDir,
    clock: new ManualClock(new Date('2024-12-01T01:30:00Z')),
    renderer: pdfkitEngine(),
  });
  await mkdir(ARTIFACTS, { recursive: true });
  const pdf = path.join(ARTIFACTS, 'tongzhou-2024-11-tasks.pdf');
  await writeFile(pdf, await readFile(path.join(outDir, fileOf('pdf').path)));
  await writeFile(
    path.join(ARTIFACTS, 'tongzhou-2024-11-tasks.html'),
    await readFile(path.join(outDir, fileOf('html').path)),
  );
  await run('pdftoppm', ['-png', '-r', '60', pdf, path.join(ARTIFACTS, 'tongzhou-2024-11-tasks')]);
}, 120_000);

function fileOf(format: string, locale = 'zh-CN') {
  const f = result.files.find((x) => x.format === format && x.locale === locale);
  if (!f) throw new Error(`no ${locale} ${format}`);
  return f;
}

describe('the monthly 调度 report', () => {
  it('counts each unit’s owed tasks by what it reported for the month', () => {
    expect(data.plans).toHaveLength(1);
    const rows = data.plans[0]!.units.map((u) => [
      u.nameZh,
      u.owed,
      u.done,
      u.onTrack,
      u.late,
      u.notApplicable,
      u.notReported,
    ]);
    expect(rows).toEqual([
      ['区生态环境局', 2, 0, 1, 1, 0, 0],
      ['区水务局', 1, 0, 0, 0, 0, 1],
      ['北苑街道办事处', 1, 1, 0, 0, 0, 0],
      ['潞邑街道办事处', 2, 0, 0, 1, 1, 0],
      ['永顺镇政府', 1, 0, 0, 0, 0, 1],
    ]);
    expect(data.plans[0]!.totals).toEqual({
      owed: 7,
      done: 1,
      onTrack: 1,
      late: 2,
      notApplicable: 1,
      notReported: 2,
    });
  });

  it('lists the overdue task with its owners, not the one done nor the one not applicable', () => {
    expect(data.overdue).toEqual([
      {
        taskId: 'TZ24-AIR-001',
        planId: 'tongzhou-2024',
        keyTaskZh: 'TZ24-AIR-001 重点任务',
        deadlineZh: '6月底前',
        dueOn: '2024-06-30',
        daysOverdue: 153,
        mainUnitsZh: ['区生态环境局'],
        leadOfficials: [{ zh: '姚伟龙', en: 'Yao Weilong' }],
        pendingUnits: [{ zh: '区生态环境局', en: 'EEB' }],
      },
    ]);
    expect(data.manualIndicators).toEqual([]);
  });

  it('is archived in every format and language, and the PDF reads as written', async () => {
    expect(result.status).toBe('created');
    expect(result.report.kind).toBe('task_dispatch');
    expect(result.files.map((f) => `${f.locale} ${f.format}`).sort()).toEqual([
      'en csv',
      'en html',
      'en pdf',
      'en xlsx',
      'zh-CN csv',
      'zh-CN html',
      'zh-CN pdf',
      'zh-CN xlsx',
    ]);
    expect(fileOf('pdf').file_name).toBe('通州区2024年11月生态环境重点任务调度报告（第1版）.pdf');
    const { stdout } = await run('pdftotext', ['-layout', path.join(outDir, fileOf('pdf').path), '-']);
    const text = stdout.replace(/\s+/g, ' ');
    for (const s of [
      '通州区2024年11月生态环境重点任务调度报告',
      '永顺镇政府',
      '逾期未完成任务',
      '姚伟龙',
      '153',
      '手工填报指标',
      '本月无手工填报指标',
    ])
      expect(text).toContain(s);
  });

  it('the workbook has the summary, a sheet per plan, the overdue list and the indicator sheet', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(outDir, fileOf('xlsx').path));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '汇总',
      '通州区2024年生态环境保护行动计划',
      '逾期任务',
      '手工填报指标',
    ]);
    const plan = wb.getWorksheet('通州区2024年生态环境保护行动计划')!;
    // Rows: title, caption, header, five units, total.
    expect(plan.getRow(4).values).toEqual([undefined, '区生态环境局', 2, 0, 1, 1, 0, 0, 100]);
    expect(plan.getRow(9).values).toEqual([undefined, '合计', 7, 1, 1, 2, 1, 2, (5 / 7) * 100]);
    const csv = (await readFile(path.join(outDir, fileOf('csv', 'en').path), 'utf8')).split('\r\n');
    expect(csv[0]).toBe('\uFEFFPlan,Unit,Owed,Done,On track,Late,N/A,Not reported,Reported (%)');
    expect(csv[2]).toBe('Tongzhou 2024 plan,Water Bureau,1,0,0,0,0,1,0');
  });

  it('`envwatch report --month 2024-11 --tasks --email` gives the archived version and mails it to the bureau', async () => {
    smtp = await startSmtpCatcher();
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: db.url,
      OUT_DIR: outDir,
      SMTP_URL: smtp.url,
      REPORT_EMAIL_TO: 'office@tz.example.cn',
      REPORT_LOCALES: 'zh-CN,en',
    });
    const lines: string[] = [];
    const code = await reportCommand({
      config,
      args: ['--month', '2024-11', '--tasks', '--scope', 'tongzhou', '--email'],
      out: (l) => lines.push(l),
    });
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^tongzhou 2024-11: unchanged, current version 1/);
    expect(smtp.messages.length).toBeGreaterThan(0);
    const zh = smtp.messages.map((m) => m.parsed).find((m) => m.subject?.startsWith('通州区'));
    expect(zh?.subject).toBe('通州区2024年11月生态环境重点任务调度报告（第1版）');
    expect(zh?.text).toContain(
      '通州区2024年生态环境保护行动计划：应报7项，已完成1，正常推进1，滞后2，未上报2（上报率71.4%）',
    );
    expect(zh?.text).toContain('逾期未完成任务：1项');
    expect(zh?.attachments.map((a) => a.filename).sort()).toEqual(
      ['csv', 'pdf', 'xlsx'].map((ext) => `通州区2024年11月生态环境重点任务调度报告（第1版）.${ext}`),
    );
    await expect(
      reportCommand({ config, args: ['--quarter', '2024-Q4', '--tasks'], out: () => undefined }),
    ).rejects.toThrow(/--tasks goes with --month/);
  });

  it('a unit reporting late makes version 2, which says it replaces version 1 because reports arrived', async () => {
    await progress('TZ24-AIR-001', 'water_bureau', '2024-11', 'in_progress');
    const v2 = await produceReport(db.pool, {
      kind: 'task_dispatch',
      scopeId: 'tongzhou',
      periodKey: '2024-11',
      reason: 'on_demand',
      locales: ['zh-CN'],
      outDir,
      clock: new ManualClock(new Date('2024-12-03T01:30:00Z')),
      renderer: pdfkitEngine(),
    });
    expect([v2.status, v2.report.version]).toEqual(['created', 2]);
    const pdf = v2.files.find((f) => f.format === 'pdf')!;
    const { stdout } = await run('pdftotext', [path.join(outDir, pdf.path), '-']);
    expect(stdout).toContain('替代第1版（其后有单位补报）');
    expect(stdout).not.toContain('审核');
  });
});
