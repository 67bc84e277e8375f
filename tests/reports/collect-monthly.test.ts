/**
 * The data phase of the March 2024 Tongzhou report against the fixed synthetic dataset (fixture-data.ts):
 * ranking order, ties, marks, year-on-year and cumulative changes, city flags, statuses, headline, water.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { collectMonthlyReport } from '../../services/reports/collect-monthly.js';
import { renderMonthlyHtml } from '../../services/reports/render/html-monthly.js';
import type { MonthlyReportData } from '../../services/reports/report-types.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertMarchDataset } from './fixture-data.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();
let report: MonthlyReportData;

beforeAll(async () => {
  await insertReference(db.pool);
  await insertMarchDataset(db.pool);
  report = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2024-03' });
});

function ranking(metric: string) {
  const r = report.rankings.find((x) => x.metric.id === metric);
  if (!r) throw new Error(`no ranking for ${metric}`);
  return r;
}

describe('PM2.5 ranking of March 2024', () => {
  it('orders units by the printed value, ties sharing a rank (1, 2, 2, 4 …)', () => {
    const rows = ranking('pm25').rows.map((r) => [r.rank, r.area.id, r.value]);
    expect(rows).toEqual([
      [1, 'luyuan', 36.4],
      [2, 'jiukeshu', 37.2], // 37.25 prints 37.2 (GB/T 8170) and ties with 杨庄
      [2, 'yangzhuang', 37.2],
      [4, 'beiyuan', 38.0],
      [5, 'yongshun', 39.0],
      [6, 'yuqiao', 39.5],
      [7, 'luyi', 40.1],
      [8, 'zhongcang', 41.2],
      [8, 'xinhua', 41.2],
      [10, 'taihu', 42.8],
      [11, 'lucheng', 43.5],
      [12, 'tongyun', 44.0],
      [12, 'songzhuang', 44.0],
      [14, 'linheli', 45.3],
      [15, 'liyuan', 46.1],
      [16, 'wenjing', 47.0],
      [17, 'zhangjiawan', 48.2],
      [18, 'majuqiao', 49.7],
      [18, 'yujiawu', 49.7],
      [20, 'huoxian', 50.3],
      [21, 'xiji', 51.2],
      [null, 'yongledian', null], // invalid month: listed, not ranked
    ]);
    expect(ranking('pm25').rankedCount).toBe(21);
  });

  it('marks the best 3 and worst 3, keeping every unit tied at the cut', () => {
    const marks = (m: 'best' | 'worst') =>
      ranking('pm25')
        .rows.filter((r) => r.mark === m)
        .map((r) => r.area.id);
    expect(marks('best')).toEqual(['luyuan', 'jiukeshu', 'yangzhuang']);
    expect(marks('worst')).toEqual(['majuqiao', 'yujiawu', 'huoxian', 'xiji']);
  });

  it('computes the change against March 2023 from the printed values', () => {
    const row = (id: string) => ranking('pm25').rows.find((r) => r.area.id === id)!;
    expect([row('beiyuan').lastYear, row('beiyuan').change, row('beiyuan').changePct]).toEqual([
      42, -4, -9.5,
    ]);
    expect([row('zhongcang').change, row('zhongcang').changePct]).toEqual([1.5, 3.8]);
    // 37.25 − 1.5 = 35.75 prints 35.8, so the printed change is 37.2 − 35.8 = 1.4.
    expect(row('jiukeshu').change).toBe(1.4);
    expect([row('xiji').lastYear, row('xiji').change, row('xiji').changePct]).toEqual([null, null, null]);
  });

  it('gives the cumulative (Jan-Mar) mean of valid daily values and its change', () => {
    const row = (id: string) => ranking('pm25').rows.find((r) => r.area.id === id)!;
    expect(row('beiyuan').ytd).toBeCloseTo(44.0, 9);
    expect(row('beiyuan').ytdLastYear).toBeCloseTo(48.0, 9);
    expect(row('beiyuan').ytdChangePct).toBe(-8.3);
    expect(row('yongledian').ytd).toBeNull();
  });

  it('flags city-wide bottom 10/30 from the rank and the number ranked', () => {
    const city = (id: string) => ranking('pm25').rows.find((r) => r.area.id === id)!.cityRank;
    expect(city('xiji')).toEqual({ rank: 270, ranked: 273, bottom10: true, bottom30: true });
    expect(city('huoxian')).toEqual({ rank: 250, ranked: 273, bottom10: false, bottom30: true });
    expect(city('luyuan')).toEqual({ rank: 12, ranked: 273, bottom10: false, bottom30: false });
    expect(city('beiyuan')).toEqual({ rank: 100, ranked: null, bottom10: null, bottom30: null });
    expect(city('taihu')).toBeNull();
  });

  it('shows the worst current status of the targets on the unit (rank targets included)', () => {
    const status = (id: string) => ranking('pm25').rows.find((r) => r.area.id === id)!.status;
    expect(status('xiji')).toEqual({ status: 'breached', targetIds: ['TZ24-AIR-05', 'TZ24-AIR-06b'] });
    expect(status('luyuan')).toEqual({ status: 'met', targetIds: ['TZ24-AIR-05'] });
    expect(status('beiyuan')).toBeNull(); // its only evaluation is for 2023
  });
});

describe('the other rankings', () => {
  it('ranks dust fall, TSP, road dust load and residue at their own precision', () => {
    expect(report.rankings.map((r) => r.metric.id)).toEqual([
      'pm25',
      'dust_fall',
      'tsp',
      'road_dust_load',
      'road_dust_residue',
    ]);
    expect(
      ranking('tsp')
        .rows.slice(0, 2)
        .map((r) => [r.rank, r.area.id, r.value]),
    ).toEqual([
      [1, 'luyuan', 160],
      [2, 'yuqiao', 170],
    ]);
    expect(ranking('road_dust_load').rows.at(-1)!.area.id).toBe('yongledian');
    expect(ranking('road_dust_load').rows.at(-1)!.rank).toBeNull();
    expect(ranking('tsp').rows.find((r) => r.area.id === 'xiji')!.cityRank).toMatchObject({
      rank: 265,
      bottom10: true,
    });
  });
});

describe('district headline', () => {
  it('reports PM2.5 for the month, cumulative and Q1 against last year and the 2024 targets', () => {
    const h = report.headline;
    expect(h.pm25Month).toEqual({ value: 42, lastYear: 47, target: null });
    expect(h.pm25Ytd.value).toBeCloseTo(4399 / 91, 9);
    expect(h.pm25Ytd.lastYear).toBeCloseTo(4773 / 90, 9);
    expect(h.pm25Ytd.target).toBe(35);
    expect(h.pm25Q1).toMatchObject({ target: 51, complete: true });
    expect(h.pm25Q1.value).toBeCloseTo(4399 / 91, 9);
  });

  it('counts heavy-pollution days with and without the sand-dust days', () => {
    expect(report.headline.heavyDaysYtd).toEqual({
      count: 3,
      countExSandDust: 2,
      daysWithAqi: 91,
      lastYearExSandDust: 1,
      target: 4,
    });
    expect(report.headline.heavyDaysQ1).toMatchObject({ countExSandDust: 2, target: 3, complete: true });
  });

  it('leaves sand-dust months out of dust fall', () => {
    const h = report.headline;
    expect(h.dustFallMonth).toEqual({
      value: 7.9,
      lastYear: 5.5,
      target: 5,
      exSandDust: null,
      sandDustAffected: true,
    });
    expect(h.dustFallYtd.value).toBeCloseTo(16.9 / 3, 9);
    expect(h.dustFallYtd.exSandDust).toBeCloseTo(4.5, 9);
    expect(h.dustFallYtd.monthsExcluded).toBe(1);
  });

  it('marks the sand-dust days of the daily chart; a period ending at midnight touches one day', () => {
    const sand = report.charts.pm25Daily.filter((d) => d.sandDust).map((d) => d.day);
    expect(sand).toEqual(['2024-03-19', '2024-03-20', '2024-03-25']);
    expect(report.charts.pm25Monthly.slice(0, 4).map((p) => p.value)).toEqual([55, 48, 42, null]);
    expect(report.charts.pm25DailyLimit).toBe(75);
  });
});

describe('water, targets and alerts', () => {
  it('classifies sections with target, main pollutants and exceedance multiples', () => {
    const yudai = report.water.find((w) => w.siteId === 'yudaihe_zhangjiawan')!;
    expect(yudai).toMatchObject({ waterClass: 6, targetClass: 4, met: false, lastYearClass: 4, samples: 2 });
    expect(yudai.mainPollutants.map((p) => [p.param, p.exceedanceMultiple])).toEqual([
      ['nh3n', 0.7333],
      ['tp', 0.1667],
      ['codmn', -0.1],
    ]);
    const houyuanhua = report.water.find((w) => w.siteId === 'ganggouhe_houyuanhua')!;
    expect(houyuanhua).toMatchObject({ waterClass: 6, targetClass: 5, met: true });
  });

  it("lists district targets and the alerts open at the month's end", () => {
    expect(report.districtTargets.map((d) => [d.targetId, d.status])).toEqual([['TZ24-AIR-01', 'at_risk']]);
    // 西集镇's bottom-10 alert opened on 3 April: not yet open when March ended (past-month.test.ts).
    expect(report.alerts.map((a) => [a.state, a.scopeName?.zh])).toEqual([['acknowledged', '通州区']]);
  });

  it('is audited when every input is audited', () => {
    expect(report.dataVersion).toBe('audited');
  });
});

describe('units valid in the period', () => {
  it('ranks the 17 units of 2020, not the 22 of 2021', async () => {
    const r2020 = await collectMonthlyReport(db.pool, { scopeId: 'tongzhou', month: '2020-03' });
    expect(r2020.areaCount).toBe(17);
    expect(r2020.rankings[0]!.rows.map((r) => r.area.id)).not.toContain('luyi');
  });
});

describe('BDA (four units)', () => {
  it('marks two best and two worst, and renders without any data for the headline', async () => {
    await db.pool.query(
      `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
       SELECT s, 'pm25', '2024-03-01', v, 31, 31, true, 1
         FROM unnest(ARRAY['ronghua', 'boxing', 'yizhuang', 'yinghai'], ARRAY[40.2, 38.1, 44.9, 41.0]) AS t(s, v)`,
    );
    const bda = await collectMonthlyReport(db.pool, { scopeId: 'bda', month: '2024-03' });
    const pm25 = bda.rankings.find((r) => r.metric.id === 'pm25')!;
    expect(pm25.rows.map((r) => [r.area.id, r.rank, r.mark])).toEqual([
      ['boxing', 1, 'best'],
      ['ronghua', 2, 'best'],
      ['yinghai', 3, 'worst'],
      ['yizhuang', 4, 'worst'],
    ]);
    // 京技管〔2020〕28号 sets no numeric PM2.5 or dust-fall target: the headline shows none.
    expect(bda.headline.pm25Ytd).toEqual({ value: null, lastYear: null, target: null });
    expect(bda.headline.targetSource).toBe('京技管〔2020〕28号 004:17');
    const html = renderMonthlyHtml(bda, {
      locale: 'zh-CN',
      version: 1,
      producedAt: new Date(),
      supersedes: null,
      charts: 'svg',
    });
    expect(html.title).toBe('北京经济技术开发区2024年3月街道（乡镇）环境质量排名月报');
    expect(html.html).toContain('博兴街道');
    expect(bda.dataVersion).toBe('audited');
  });
});
