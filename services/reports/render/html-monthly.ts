/**
 * The monthly ranking report as HTML: the web page, the e-mail body (charts as cid: images) and the
 * source of the PDF. Sections follow the bulletin's reading order: headline, charts, rankings, district
 * targets, water sections, open alerts.
 */
import type { Comparison, HeavyDays, MetricRanking, MonthlyReportData, RankingRow } from '../report-types.js';
import { dailyPm25Chart, monthlyPm25Chart, rankingBarChart, waterClassChart } from './charts.js';
import {
  DASH,
  areaName,
  districtName,
  escapeHtml,
  fixed,
  metricName,
  monthLabel,
  signed,
  signedPct,
  unitOf,
  ytdRange,
} from './format.js';
import {
  changeClass,
  documentFrame,
  embedChart,
  headerBlock,
  paren,
  type ChartOut,
  type RenderContext,
} from './html-shared.js';
import { ALERT_STATE_LABELS, RANKING_TITLES, SEVERITY_LABELS, STATUS_LABELS, pick, t } from './labels.js';
import { renderWaterSectionTable } from './html-water.js';
import { monthOnMonthText, monthlyLimitOf, overLimit } from './ranking-cells.js';
import { formatShanghai } from '../../time/shanghai.js';

export interface RenderedHtml {
  html: string;
  charts: ChartOut[];
  title: string;
}

export function monthlyTitle(data: MonthlyReportData, locale: RenderContext['locale']): string {
  return locale === 'zh-CN'
    ? `${data.scope.nameZh}${monthLabel(data.month, locale)}${t(locale, 'monthlyTitle')}`
    : `${data.scope.nameEn}: ${t(locale, 'monthlyTitle')}, ${monthLabel(data.month, locale)}`;
}

export function renderMonthlyHtml(data: MonthlyReportData, ctx: RenderContext): RenderedHtml {
  const { locale } = ctx;
  const charts: ChartOut[] = [];
  const title = monthlyTitle(data, locale);
  const body = [
    headerBlock(
      ctx,
      title,
      `${districtName(data.scope, locale)} · ${monthLabel(data.month, locale)}`,
      data.dataVersion,
    ),
    `<p class="note">${escapeHtml(t(locale, 'basis'))}</p>`,
    `<h2>${escapeHtml(t(locale, 'headline'))}</h2>`,
    headlineTable(data, ctx),
    `<h2>${escapeHtml(t(locale, 'charts'))}</h2>`,
    embedChart(
      ctx,
      charts,
      'chart-pm25-monthly',
      monthlyPm25Chart(data.charts.pm25Monthly, data.charts.pm25AnnualTarget, locale, data.year),
      t(locale, 'chartMonthly', { year: data.year }),
      true,
    ),
    embedChart(
      ctx,
      charts,
      'chart-pm25-daily',
      dailyPm25Chart(
        data.charts.pm25Daily,
        data.charts.pm25DailyLimit,
        locale,
        monthLabel(data.month, locale),
      ),
      t(locale, 'chartDaily', { month: monthLabel(data.month, locale) }),
      true,
    ),
    `<h2>${escapeHtml(t(locale, 'rankings'))}</h2>`,
    `<p class="note">${escapeHtml(t(locale, 'rankingNote'))}</p>`,
    ...data.rankings.map((r, i) => rankingSection(data, r, i, ctx, charts)),
    `<h2>${escapeHtml(t(locale, 'districtTargets'))}</h2>`,
    districtTargetsTable(data, ctx),
    `<h2>${escapeHtml(t(locale, 'water'))}</h2>`,
    data.water.length > 0
      ? renderWaterSectionTable(data.water, locale) + waterChart(data, ctx, charts)
      : `<p>${escapeHtml(t(locale, 'noSections'))}</p>`,
    `<h2>${escapeHtml(t(locale, 'alerts'))}</h2>`,
    alertsTable(data, ctx),
  ].join('\n');
  return { html: documentFrame(locale, title, body), charts, title };
}

function assessment(
  value: number | null,
  target: number | null,
  decimals: number,
  locale: RenderContext['locale'],
): string {
  if (value === null || target === null) return DASH;
  const within = Number(fixed(value, decimals)) <= target;
  return `<span class="${within ? 'down' : 'up'}">${escapeHtml(t(locale, within ? 'meets' : 'exceeds'))}</span>`;
}

function comparisonRow(
  label: string,
  c: Comparison,
  decimals: number,
  unit: string,
  ctx: RenderContext,
  note = '',
): string {
  const change = c.value !== null && c.lastYear !== null ? ((c.value - c.lastYear) / c.lastYear) * 100 : null;
  return `<tr><td>${escapeHtml(label)}${note ? `<br><span class="note">${escapeHtml(note)}</span>` : ''}</td>
<td class="num">${fixed(c.value, decimals)} ${escapeHtml(c.value === null ? '' : unit)}</td>
<td class="num">${fixed(c.lastYear, decimals)}</td>
<td class="num ${changeClass(change, 'lower')}">${signedPct(change)}</td>
<td class="num">${c.target === null ? DASH : `≤ ${c.target}`}</td>
<td class="c">${assessment(c.value, c.target, decimals, ctx.locale)}</td></tr>`;
}

function heavyRow(label: string, h: HeavyDays, ctx: RenderContext, note = ''): string {
  const { locale } = ctx;
  const value = `${t(locale, 'daysUnit', { n: h.countExSandDust })}${paren(locale, `${t(locale, 'withSandDust')}${locale === 'zh-CN' ? '' : ' '}${t(locale, 'daysUnit', { n: h.count })}`)}`;
  return `<tr><td>${escapeHtml(label)}<br><span class="note">${escapeHtml(`${t(locale, 'exSandDust')}${note ? ` · ${note}` : ''}`)}</span></td>
<td class="num">${escapeHtml(value)}</td>
<td class="num">${h.lastYearExSandDust ?? DASH}</td>
<td class="num">${h.lastYearExSandDust === null ? DASH : signed(h.countExSandDust - h.lastYearExSandDust, 0)}</td>
<td class="num">${h.target === null ? DASH : `≤ ${h.target}`}</td>
<td class="c">${assessment(h.countExSandDust, h.target, 0, locale)}</td></tr>`;
}

function headlineTable(data: MonthlyReportData, ctx: RenderContext): string {
  const { locale } = ctx;
  const h = data.headline;
  const ug = locale === 'zh-CN' ? '微克/立方米' : 'µg/m³';
  const dustUnit = locale === 'zh-CN' ? '吨/平方公里·月' : 't/(km²·month)';
  const range = ytdRange(data.month, locale);
  const q1Note = h.pm25Q1.complete ? '' : t(locale, 'partialQ1');
  const dustMonthNote = h.dustFallMonth.sandDustAffected ? t(locale, 'sandAffected') : '';
  const dustYtdNote =
    h.dustFallYtd.monthsExcluded > 0
      ? `${t(locale, 'exSandDust')} ${fixed(h.dustFallYtd.exSandDust, 1)}（${t(locale, 'monthsExcluded', { n: h.dustFallYtd.monthsExcluded })}）`
      : `${t(locale, 'exSandDust')} ${fixed(h.dustFallYtd.exSandDust, 1)}`;
  const rows = [
    comparisonRow(t(locale, 'pm25Month'), h.pm25Month, 1, ug, ctx),
    comparisonRow(t(locale, 'pm25Ytd', { range }), h.pm25Ytd, 1, ug, ctx),
    comparisonRow(t(locale, 'pm25Q1'), h.pm25Q1, 1, ug, ctx, q1Note),
    heavyRow(t(locale, 'heavyYtd', { range }), h.heavyDaysYtd, ctx),
    heavyRow(t(locale, 'heavyQ1'), h.heavyDaysQ1, ctx, h.heavyDaysQ1.complete ? '' : t(locale, 'partialQ1')),
    comparisonRow(t(locale, 'dustMonth'), h.dustFallMonth, 1, dustUnit, ctx, dustMonthNote),
    comparisonRow(t(locale, 'dustYtd', { range }), h.dustFallYtd, 1, dustUnit, ctx, dustYtdNote),
  ];
  const source = h.targetSource
    ? `<p class="note">${escapeHtml(t(locale, 'targetSource'))}: ${escapeHtml(h.targetSource)}</p>`
    : '';
  return `<table class="keep"><thead><tr><th>${t(locale, 'indicator')}</th><th>${t(locale, 'current')}</th><th>${t(locale, 'lastYear')}</th><th>${t(locale, 'yoy')}</th><th>${t(locale, 'target')}</th><th>${t(locale, 'assessment')}</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>${source}`;
}

function cityCell(row: RankingRow, ctx: RenderContext): [string, string] {
  const c = row.cityRank;
  if (!c) return [DASH, DASH];
  const rank = c.ranked === null ? String(c.rank) : `${c.rank}/${c.ranked}`;
  if (c.bottom10 === null)
    return [rank, `<span class="note">${escapeHtml(t(ctx.locale, 'rankedUnknown'))}</span>`];
  const tags = [
    c.bottom10 ? `<span class="tag b10">${t(ctx.locale, 'bottom10')}</span>` : '',
    c.bottom30 ? `<span class="tag b30">${t(ctx.locale, 'bottom30')}</span>` : '',
  ].join('');
  return [rank, tags || DASH];
}

function rankingSection(
  data: MonthlyReportData,
  r: MetricRanking,
  index: number,
  ctx: RenderContext,
  charts: ChartOut[],
): string {
  const { locale } = ctx;
  const { metric } = r;
  const name = RANKING_TITLES[metric.id]
    ? pick(locale, RANKING_TITLES[metric.id]!)
    : metricName(metric, locale);
  const unit = unitOf(metric, locale);
  const range = ytdRange(data.month, locale);
  const head = `<tr><th>${t(locale, 'rank')}</th><th>${t(locale, 'area')}</th><th>${escapeHtml(monthLabel(data.month, locale))}<br>${escapeHtml(unit)}</th><th>${t(locale, 'momChange')}</th><th>${t(locale, 'change')}</th><th>${escapeHtml(t(locale, 'ytd', { range }))}</th><th>${t(locale, 'ytdChange')}</th><th>${t(locale, 'cityRank')}</th><th>${t(locale, 'cityFlag')}</th><th>${t(locale, 'status')}</th></tr>`;
  const limit = monthlyLimitOf(data, metric.id);
  const body = r.rows
    .map((row) => {
      const tag = row.mark
        ? `<span class="tag ${row.mark}">${escapeHtml(t(locale, row.mark === 'best' ? 'bestN' : 'worstN', { n: r.markCount }))}</span>`
        : '';
      const [cityRank, cityFlags] = cityCell(row, ctx);
      const status = row.status
        ? `<span class="st-${row.status.status}" title="${escapeHtml(row.status.targetIds.join(', '))}">${escapeHtml(pick(locale, STATUS_LABELS[row.status.status]))}</span>`
        : DASH;
      const change =
        row.change === null
          ? DASH
          : `${signed(row.change, metric.decimals)}${paren(locale, signedPct(row.changePct)).replace(/^ /, '<br>')}`;
      return `<tr class="${row.mark ?? ''}"><td class="c">${row.rank ?? DASH}</td><td class="nw">${escapeHtml(areaName(row.area, locale))}${tag}</td>
<td class="num">${row.value === null ? escapeHtml(t(locale, 'noValue')) : fixed(row.value, metric.decimals)}${overLimit(row, limit) ? `<br><span class="tag worst">${escapeHtml(t(locale, 'overMonthlyLimit', { v: limit! }))}</span>` : ''}</td>
<td class="num ${changeClass(row.monthChange, metric.better)}">${escapeHtml(monthOnMonthText(row, metric.decimals, locale))}</td>
<td class="num ${changeClass(row.change, metric.better)}">${change}</td>
<td class="num">${fixed(row.ytd, metric.decimals)}</td>
<td class="num ${changeClass(row.ytdChangePct, metric.better)}">${signedPct(row.ytdChangePct)}</td>
<td class="c">${cityRank}</td><td class="c">${cityFlags}</td><td class="c">${status}</td></tr>`;
    })
    .join('');
  // The district's own value as a reference line, where the headline has it.
  const districtValue =
    metric.id === 'pm25'
      ? data.headline.pm25Month.value
      : metric.id === 'dust_fall'
        ? data.headline.dustFallMonth.value
        : null;
  const bars = r.rows
    .filter((row) => row.rank !== null && row.value !== null)
    .map((row) => ({
      label: areaName(row.area, locale),
      value: row.value!,
      rank: row.rank!,
      mark: row.mark,
    }));
  const chart = bars.length
    ? embedChart(
        ctx,
        charts,
        `chart-rank-${metric.id}`,
        rankingBarChart(bars, {
          id: `rank-${metric.id.replace(/_/g, '-')}`,
          decimals: metric.decimals,
          unit,
          label: t(locale, 'rankingOf', { metric: name }),
          target: limit === null ? null : { value: limit, label: t(locale, 'monthlyLimit', { v: limit }) },
          reference:
            districtValue === null
              ? null
              : {
                  value: districtValue,
                  label: `${districtName(data.scope, locale)} ${fixed(districtValue, metric.decimals)}`,
                },
        }),
        t(locale, 'rankingOf', { metric: name }),
      )
    : '';
  return `<section class="ranking"><h3>${index + 1}. ${escapeHtml(t(locale, 'rankingOf', { metric: name }))}</h3>
<p class="note">${escapeHtml(t(locale, 'unitsRanked', { n: r.rankedCount }))} · ${escapeHtml(r.source)}</p>
<table><thead>${head}</thead><tbody>${body}</tbody></table>${chart}</section>`;
}

function districtTargetsTable(data: MonthlyReportData, ctx: RenderContext): string {
  const { locale } = ctx;
  if (data.districtTargets.length === 0) return `<p>${escapeHtml(t(locale, 'noTargets'))}</p>`;
  const rows = data.districtTargets
    .map(
      (
        d,
      ) => `<tr><td>${escapeHtml(locale === 'zh-CN' ? d.titleZh : d.titleEn)}<br><span class="note">${escapeHtml(`${d.targetId} · ${d.source}`)}</span></td>
<td class="c">${escapeHtml(d.periodKey)}</td><td class="num">${fixed(d.value, 1)}</td><td class="num">${fixed(d.threshold, 1)}</td>
<td class="c"><span class="st-${d.status}">${escapeHtml(pick(locale, STATUS_LABELS[d.status]))}</span></td><td class="c">${escapeHtml(d.asOf)}</td></tr>`,
    )
    .join('');
  return `<table class="keep"><thead><tr><th>${t(locale, 'indicator')}</th><th>${t(locale, 'period')}</th><th>${t(locale, 'value')}</th><th>${t(locale, 'threshold')}</th><th>${t(locale, 'status')}</th><th>${t(locale, 'asOf')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function alertsTable(data: MonthlyReportData, ctx: RenderContext): string {
  const { locale } = ctx;
  if (data.alerts.length === 0) return `<p>${escapeHtml(t(locale, 'noAlerts'))}</p>`;
  const rows = data.alerts
    .map(
      (
        a,
      ) => `<tr><td class="c">${escapeHtml(pick(locale, SEVERITY_LABELS[a.severity]))}</td><td>${escapeHtml(locale === 'zh-CN' ? a.titleZh : a.titleEn)}</td>
<td>${escapeHtml(a.scopeName ? pick(locale, a.scopeName) : DASH)}</td><td class="c">${escapeHtml(pick(locale, ALERT_STATE_LABELS[a.state]))}</td>
<td class="c">${formatShanghai(new Date(a.openedAt), 'yyyy-MM-dd HH:mm')}</td>
<td class="c">${a.acknowledgedAt ? `${formatShanghai(new Date(a.acknowledgedAt), 'MM-dd HH:mm')}${a.acknowledgedBy ? ` ${escapeHtml(a.acknowledgedBy)}` : ''}` : DASH}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>${t(locale, 'severity')}</th><th>${t(locale, 'title')}</th><th>${t(locale, 'subject')}</th><th>${t(locale, 'state')}</th><th>${t(locale, 'opened')}</th><th>${t(locale, 'acknowledged')}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The sections' classes against their targets, beside the table (the PDF draws the same chart). */
function waterChart(data: MonthlyReportData, ctx: RenderContext, charts: ChartOut[]): string {
  const { locale } = ctx;
  const title = `${t(locale, 'water')} · ${t(locale, 'waterClass')}`;
  const svg = waterClassChart(
    data.water.map((w) => ({
      label: locale === 'zh-CN' ? w.nameZh : w.nameEn,
      waterClass: w.waterClass,
      targetClass: w.targetClass,
    })),
    locale,
    'water-classes',
    title,
  );
  return embedChart(ctx, charts, 'chart-water-classes', svg, title);
}
