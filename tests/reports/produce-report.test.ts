/**
 * Produces the March 2024 Tongzhou report from the fixed synthetic dataset in every format and reads the
 * files back with real tools: pdftotext and pdffonts (poppler-utils) for the PDF, exceljs for the XLSX,
 * csv-parse for the CSV. The PDF and a PNG of its first page are kept in tests/artifacts/reports/ to look at.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { produceReport, type ProduceResult } from '../../services/reports/produce-report.js';
import { pdfkitEngine, type PdfEngine } from '../../services/reports/render/pdf-engine.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset, MARCH_2024 } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const run = promisify(execFile);
const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts/reports');
const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-05T01:30:00Z'));
let renderer: PdfEngine;
let outDir: string;
let result: ProduceResult;

function file(r: ProduceResult, format: string, locale = 'zh-CN') {
  const f = r.files.find((x) => x.format === format && x.locale === locale);
  if (!f) throw new Error(`no ${locale} ${format}`);
  return { ...f, abs: path.join(outDir, f.path) };
}

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-reports-'));
  renderer = pdfkitEngine();
  await insertReference(db.pool);
  await insertMarchDataset(db.pool, { marchVersion: 0 });
  result = await produceReport(db.pool, {
    kind: 'monthly',
    scopeId: 'tongzhou',
    periodKey: '2024-03',
    reason: 'schedule',
    locales: ['zh-CN', 'en'],
    outDir,
    clock,
    renderer,
  });
  await mkdir(ARTIFACTS, { recursive: true });
  await writeFile(path.join(ARTIFACTS, 'tongzhou-2024-03.pdf'), await readFile(file(result, 'pdf').abs));
  await writeFile(
    path.join(ARTIFACTS, 'tongzhou-2024-03-en.pdf'),
    await readFile(file(result, 'pdf', 'en').abs),
  );
  await writeFile(path.join(ARTIFACTS, 'tongzhou-2024-03.html'), await readFile(file(result, 'html').abs));
  await run('pdftoppm', [
    '-png',
    '-r',
    '80',
    '-f',
    '1',
    '-l',
    '1',
    '-singlefile',
    path.join(ARTIFACTS, 'tongzhou-2024-03.pdf'),
    path.join(ARTIFACTS, 'tongzhou-2024-03-page1'),
  ]);
}, 60_000);

afterAll(async () => {
  await renderer?.close();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('the archived March 2024 report', () => {
  it('is version 1, provisional, with every format for both languages under reports/<scope>/<month>/v1/', async () => {
    expect(result.status).toBe('created');
    expect(result.report).toMatchObject({
      version: 1,
      data_version: 'provisional',
      reason: 'schedule',
      superseded_by: null,
    });
    expect(result.files.map((f) => `${f.locale}:${f.format}`).sort()).toEqual([
      'en:csv',
      'en:html',
      'en:pdf',
      'en:xlsx',
      'zh-CN:csv',
      'zh-CN:html',
      'zh-CN:pdf',
      'zh-CN:xlsx',
    ]);
    for (const f of result.files) expect(f.path.startsWith('reports/tongzhou/2024-03/v1/')).toBe(true);
    expect(file(result, 'pdf').file_name).toBe('通州区2024年3月街道（乡镇）环境质量排名月报（第1版）.pdf');
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM report_file WHERE report_id = $1', [
      result.report.id,
    ]);
    expect(rows[0].n).toBe(8);
  });

  it('PDF: the extracted text has the Chinese names, ranks and the data version', async () => {
    const { stdout } = await run('pdftotext', ['-layout', file(result, 'pdf').abs, '-']);
    for (const name of [
      '通州区',
      '北苑街道',
      '漷县镇',
      '于家务乡',
      '九棵树街道',
      '永乐店镇',
      '玉带河',
      '张家湾',
    ])
      expect(stdout).toContain(name);
    expect(stdout).toContain('实时数据（未经审核');
    expect(stdout).toMatch(/21\s+西集镇/);
    expect(stdout).toMatch(/2\s+九棵树街道[\s\S]*?37\.2/);
    expect(stdout).toContain('氨氮（0.73）、总磷（0.17）');
    // Water classes as the standard writes them (U+2163, U+2164): the npm font has the Number Forms.
    expect(stdout).toMatch(/张家湾\s+玉带河\s+张家湾镇\s+劣Ⅴ类\s+Ⅳ类\s+未达标/);
    expect(stdout).not.toContain('劣V类');
  });

  it('PDF: A4, page-numbered, every font embedded as a TrueType subset (no Type 3)', async () => {
    const { stdout: info } = await run('pdfinfo', [file(result, 'pdf').abs]);
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    const { stdout: text } = await run('pdftotext', ['-f', '1', '-l', '1', file(result, 'pdf').abs, '-']);
    expect(text).toMatch(/通州区 2024年3月 第1版\s+第 1 页 \/ 共 \d+ 页/);
    const { stdout: fonts } = await run('pdffonts', [file(result, 'pdf').abs]);
    const lines = fonts.trim().split('\n').slice(2);
    expect(lines.some((l) => l.includes('NotoSansSC'))).toBe(true);
    for (const l of lines) {
      expect(l).not.toContain('Type 3');
      expect(l).toMatch(/CID TrueType\s+Identity-H\s+yes\s+yes/);
    }
  });

  it('XLSX: a sheet per ranking whose numbers read back as the same numbers', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file(result, 'xlsx').abs);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      '全区概况',
      '空气质量（PM2.5月均浓度）',
      '降尘量',
      '粗颗粒物（TSP）浓度',
      '道路尘负荷',
      '道路尘土残存量',
      '地表水断面',
    ]);
    const ws = wb.getWorksheet('空气质量（PM2.5月均浓度）')!;
    const rows: [unknown, unknown, unknown][] = [];
    ws.eachRow((row, n) => {
      if (n > 3) rows.push([row.getCell(1).value, row.getCell(2).value, row.getCell(4).value]);
    });
    expect(rows).toHaveLength(22);
    expect(rows[0]).toEqual([1, '潞源街道', 36.4]);
    expect(rows[2]).toEqual([2, '杨庄街道', 37.2]);
    expect(rows[20]).toEqual([21, '西集镇', 51.2]);
    expect(rows[21]).toEqual([null, '永乐店镇', null]);
    for (const [rank, , value] of rows.slice(0, 21)) {
      expect(typeof rank).toBe('number');
      expect(typeof value).toBe('number');
    }
    const byName = new Map(rows.map((r) => [r[1], r[2]]));
    expect(byName.get('北苑街道')).toBe(MARCH_2024.beiyuan![0]);
    // 潞源: 36.4 against 40.4 in March 2023 → −4.0 (−9.9 %), cumulative 42.4.
    expect([4, 5, 6, 7, 8].map((c) => ws.getRow(4).getCell(c).value)).toEqual([36.4, 40.4, -4, -9.9, 42.4]);
    expect(ws.getColumn(4).numFmt).toBe('0.0');
  });

  it('CSV: UTF-8 with BOM, one row per unit and metric, numbers as plain numbers', async () => {
    const raw = await readFile(file(result, 'csv').abs, 'utf8');
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const records = parse(raw.slice(1), { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(22 * 5);
    const xiji = records.find(
      (r) => r['指标'] === '空气质量（PM2.5月均浓度）' && r['街道（乡镇）'] === '西集镇',
    )!;
    expect(xiji['排名']).toBe('21');
    expect(xiji['2024年3月']).toBe('51.2');
    expect(xiji['全市排名']).toBe('270');
    expect(xiji['全市后10']).toBe('是');
  });

  it('HTML: the web page embeds the charts as SVG', async () => {
    const html = await readFile(file(result, 'html').abs, 'utf8');
    expect(html).toContain('<svg');
    expect((html.match(/<svg /g) ?? []).length).toBe(8); // monthly, daily, five ranking bars, water classes
    expect(html).toContain('lang="zh-CN"');
  });
});

describe('versions', () => {
  it('makes no new version while the data are unchanged', async () => {
    const again = await produceReport(db.pool, {
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'revision',
      locales: ['zh-CN'],
      outDir,
      clock,
      renderer,
    });
    expect(again.status).toBe('unchanged');
    expect(again.report.id).toBe(result.report.id);
  });

  it('makes version 2 when audited data revise the month, keeping version 1 as superseded', async () => {
    await db.pool.query(
      `UPDATE scope_monthly SET value = 36.9, min_version = 1 WHERE scope_id = 'luyuan' AND metric_id = 'pm25' AND month = '2024-03-01'`,
    );
    await db.pool.query(`UPDATE scope_monthly SET min_version = 1 WHERE min_version = 0`);
    await db.pool.query(`UPDATE scope_daily SET min_version = 1 WHERE min_version = 0`);
    clock.set(new Date('2024-04-10T01:30:00Z'));
    const v2 = await produceReport(db.pool, {
      kind: 'monthly',
      scopeId: 'tongzhou',
      periodKey: '2024-03',
      reason: 'revision',
      locales: ['zh-CN'],
      outDir,
      clock,
      renderer,
    });
    expect(v2.status).toBe('created');
    expect(v2.report).toMatchObject({ version: 2, data_version: 'audited', reason: 'revision' });
    const { rows } = await db.pool.query('SELECT version, superseded_by FROM report ORDER BY version');
    expect(rows).toEqual([
      { version: 1, superseded_by: v2.report.id },
      { version: 2, superseded_by: null },
    ]);
    const { stdout } = await run('pdftotext', [file(v2, 'pdf').abs, '-']);
    expect(stdout).toContain('审核数据');
    expect(stdout).toContain('本版替代第1版');
    expect(file(v2, 'pdf').file_name).toContain('（第2版）');
    // Version 1's files are still there.
    await expect(readFile(file(result, 'pdf').abs)).resolves.toBeInstanceOf(Buffer);
  });
});
