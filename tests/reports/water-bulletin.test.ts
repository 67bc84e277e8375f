/**
 * The quarterly water bulletin of the ten worst streets/towns (2021 plan, 001:987) for 2021-Q1.
 *
 * Dataset: one river section per unit (西集 has two), target class Ⅴ in 2021, NH3-N sampled monthly in
 * Q1 at the value below (CODMn 1.5 and DO 8 are class Ⅰ, so NH3-N decides every class). Expected order, worst first
 * (sections failing, worst class, largest exceedance multiple against Ⅴ's 2.0 mg/L):
 *   西集 2×3.0 (2 failing) 1 · 漷县 4.0 (×1.0) 2 · 于家务 3.0 / 马驹桥 3.0 (×0.5) 3 · 张家湾 2.5 5 · 宋庄 1.8 (Ⅴ) 6 ·
 *   潞城 1.2 / 台湖 1.2 (Ⅳ) 7 · 永顺 0.9 (Ⅲ) 9 · 梨园 0.4 / 新华 0.4 (Ⅱ) 10 — eleven rows, the tie at ten kept —
 *   and 北苑 0.1 (Ⅰ) 12, left out. 永乐店's section has only an April sample: not assessed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { collectWaterBulletin } from '../../services/reports/collect-water-bulletin.js';
import { planReports } from '../../services/reports/plan-reports.js';
import { produceReport } from '../../services/reports/produce-report.js';
import { pdfkitEngine } from '../../services/reports/render/pdf-engine.js';
import { ensurePartitionsFor } from '../../services/store/measurement-queries.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let outDir: string;

const NH3N: [string, number][] = [
  ['xiji', 3.0],
  ['xiji', 3.0],
  ['huoxian', 4.0],
  ['yujiawu', 3.0],
  ['majuqiao', 3.0],
  ['zhangjiawan', 2.5],
  ['songzhuang', 1.8],
  ['lucheng', 1.2],
  ['taihu', 1.2],
  ['yongshun', 0.9],
  ['liyuan', 0.4],
  ['xinhua', 0.4],
  ['beiyuan', 0.1],
];

beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'envwatch-water-'));
  await insertReference(db.pool);
  const sites = [
    ...NH3N.map(([area], i) => ({ id: `sec_${i}_${area}`, area })),
    { id: 'sec_late_yongledian', area: 'yongledian' },
  ];
  await db.pool.query(
    `INSERT INTO site (id, kind, name_zh, name_en, district_id, area_id, river_zh, section_kinds, waterbody)
     SELECT id, 'water_section', '断面' || n, 'Section ' || n, 'tongzhou', area, '测试河', '{town_outflow}', 'river'
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(id, area, n)`,
    [sites.map((s) => s.id), sites.map((s) => s.area)],
  );
  await db.pool.query(
    `INSERT INTO site_water_target (site_id, year, target_class, source) SELECT id, 2021, 5, 'test' FROM site WHERE kind = 'water_section'`,
  );
  await ensurePartitionsFor(db.pool, new Date('2021-01-01T00:00:00Z'), new Date('2021-04-30T00:00:00Z'));
  const rows: [string, string, string, number][] = [];
  NH3N.forEach(([, v], i) => {
    for (const month of ['01', '02', '03']) {
      const ts = `2021-${month}-15T02:00:00Z`;
      rows.push([sites[i]!.id, 'nh3n', ts, v], [sites[i]!.id, 'codmn', ts, 1.5], [sites[i]!.id, 'do', ts, 8]);
    }
  });
  rows.push(['sec_late_yongledian', 'nh3n', '2021-04-02T02:00:00Z', 9]);
  await db.pool.query(
    `INSERT INTO measurement (ts, series_id, metric_id, value, data_version, source_id)
     SELECT t, s, m, v, 1, 'test' FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::float8[]) AS x(s, m, t, v)`,
    [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3])],
  );
});

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('2021-Q1 water bulletin', () => {
  it('lists the ten worst units, ties sharing a rank and the tie at the tenth place kept', async () => {
    const data = await collectWaterBulletin(db.pool, { scopeId: 'tongzhou', quarter: '2021-Q1' });
    expect(
      data.worst.map((w) => [w.rank, w.area.id, w.sectionsFailing, w.worstClass, w.maxExceedance]),
    ).toEqual([
      [1, 'xiji', 2, 6, 0.5],
      [2, 'huoxian', 1, 6, 1],
      [3, 'majuqiao', 1, 6, 0.5],
      [3, 'yujiawu', 1, 6, 0.5],
      [5, 'zhangjiawan', 1, 6, 0.25],
      [6, 'songzhuang', 0, 5, -0.1],
      [7, 'taihu', 0, 4, -0.4],
      [7, 'lucheng', 0, 4, -0.4],
      [9, 'yongshun', 0, 3, null],
      [10, 'xinhua', 0, 2, null],
      [10, 'liyuan', 0, 2, null],
    ]);
    expect(data.assessedAreas).toBe(12);
    expect(data.dataVersion).toBe('audited');
  });

  it('renders as a PDF bulletin with the units and their sections', async () => {
    const renderer = pdfkitEngine();
    try {
      const r = await produceReport(db.pool, {
        kind: 'water_quarterly',
        scopeId: 'tongzhou',
        periodKey: '2021-Q1',
        reason: 'schedule',
        locales: ['zh-CN'],
        outDir,
        clock: new ManualClock(new Date('2021-04-06T01:30:00Z')),
        renderer,
      });
      const pdf = r.files.find((f) => f.format === 'pdf')!;
      expect(pdf.file_name).toBe('通州区2021年第一季度街道（乡镇）水环境质量季度通报（第1版）.pdf');
      const { stdout } = await promisify(execFile)('pdftotext', [
        '-layout',
        path.join(outDir, pdf.path),
        '-',
      ]);
      expect(stdout).toMatch(/1\s+西集镇\s+2\s+劣Ⅴ类\s+0\.50/);
      expect(stdout).toContain('按季度通报水环境质量排名后10位');
      expect(stdout).not.toContain('北苑街道');
    } finally {
      await renderer.close();
    }
  });
});

describe('every quarter of every plan year that asks for the bulletin', () => {
  // 2021 is the one plan year with "按季度通报水环境质量排名后10位" (001:987; the 2024 plan dropped it,
  // action-plans.md): the default configuration must name it, and every quarter of it must come out.
  const years = loadConfig({}).REPORT_WATER_BULLETIN_YEARS;

  it('is planned after each quarter, the fourth in January of the next year', () => {
    expect(years).toEqual([2021]);
    const cfg = { settleDay: 5, revisionMonths: 0, scopes: ['tongzhou'], waterBulletinYears: years };
    for (const year of years) {
      const planned = [`${year}-04-05`, `${year}-07-05`, `${year}-10-05`, `${year + 1}-01-05`].flatMap(
        (day) => planReports(day, cfg).filter((p) => p.kind === 'water_quarterly'),
      );
      expect(planned.map((p) => p.periodKey)).toEqual([1, 2, 3, 4].map((q) => `${year}-Q${q}`));
    }
  });

  it('is produced in every format for each quarter, also one without samples', async () => {
    const renderer = pdfkitEngine();
    try {
      for (const q of [2, 3, 4]) {
        const r = await produceReport(db.pool, {
          kind: 'water_quarterly',
          scopeId: 'tongzhou',
          periodKey: `2021-Q${q}`,
          reason: 'schedule',
          locales: ['zh-CN'],
          outDir,
          clock: new ManualClock(
            new Date(
              `${q === 4 ? 2022 : 2021}-${q === 4 ? '01' : String(q * 3 + 1).padStart(2, '0')}-06T01:30:00Z`,
            ),
          ),
          renderer,
        });
        expect(r.failures).toEqual([]);
        expect(r.files.map((f) => f.format).sort()).toEqual(['csv', 'html', 'pdf', 'xlsx']);
      }
      // Q2: 永乐店's April sample (NH3-N 9.0, 劣Ⅴ) is the only one assessed.
      const q2 = await collectWaterBulletin(db.pool, { scopeId: 'tongzhou', quarter: '2021-Q2' });
      expect(q2.worst.map((w) => [w.rank, w.area.id, w.worstClass])).toEqual([[1, 'yongledian', 6]]);
      const q4 = await collectWaterBulletin(db.pool, { scopeId: 'tongzhou', quarter: '2021-Q4' });
      expect(q4.assessedAreas).toBe(0);
    } finally {
      await renderer.close();
    }
  }, 120_000);
});
