/**
 * The rendering phase: every format of a report for every locale, plus the e-mail body (charts as PNG
 * attachments referenced by cid). One Chromium session serves the whole run.
 */
import { roundGbt8170 } from '../standards/index.js';
import { offeredFileName } from './file-names.js';
import type { ReportData, ReportLocale, RenderedFile } from './report-types.js';
import { renderMonthlyCsv, renderWaterBulletinCsv } from './render/csv.js';
import { fixed, monthLabel, quarterLabel, ytdRange } from './render/format.js';
import { type RenderContext } from './render/html-shared.js';
import { renderMonthlyHtml } from './render/html-monthly.js';
import { renderWaterBulletinHtml } from './render/html-water.js';
import { t } from './render/labels.js';
import type { PdfRenderer } from './render/pdf.js';
import { stampPdfDates } from './render/stable-bytes.js';
import { renderMonthlyXlsx, renderWaterBulletinXlsx } from './render/xlsx.js';

export interface RenderRun {
  version: number;
  producedAt: Date;
  supersedes: number | null;
  locales: readonly ReportLocale[];
}

export interface EmailAssets {
  locale: ReportLocale;
  subject: string;
  html: string;
  text: string;
  images: { cid: string; png: Buffer }[];
}

export interface RenderOutput {
  files: RenderedFile[];
  email: EmailAssets[];
  titles: Partial<Record<ReportLocale, string>>;
}

function renderHtml(
  data: ReportData,
  ctx: RenderContext,
): { html: string; title: string; charts: { id: string; svg: string; width: number; height: number }[] } {
  if (data.kind === 'monthly') return renderMonthlyHtml(data, ctx);
  return { ...renderWaterBulletinHtml(data, ctx), charts: [] };
}

/** The page footer: district, period and version, e.g. 通州区 2024年3月 第1版. */
function footerLabel(data: ReportData, version: number, locale: ReportLocale): string {
  const scope = locale === 'zh-CN' ? data.scope.nameZh : data.scope.nameEn;
  return `${scope} ${periodLabel(data, locale)} ${t(locale, 'version', { n: version })}`;
}

export function emailSubject(title: string, data: ReportData, version: number, locale: ReportLocale): string {
  const dv = t(locale, data.dataVersion === 'audited' ? 'audited' : 'provisional').replace(/（.*|\s\(.*/, '');
  return locale === 'zh-CN' ? `${title}（第${version}版，${dv}）` : `${title} (version ${version}, ${dv})`;
}

/** The plain-text part: the headline in a few lines, for clients that do not show HTML. */
export function emailText(data: ReportData, title: string, locale: ReportLocale): string {
  const lines = [title, `${t(locale, 'dataVersion')}: ${t(locale, data.dataVersion)}`, ''];
  if (data.kind === 'monthly') {
    const h = data.headline;
    lines.push(`${t(locale, 'pm25Month')}: ${fixed(h.pm25Month.value, 1)}`);
    lines.push(
      `${t(locale, 'pm25Ytd', { range: ytdRange(data.month, locale) })}: ${fixed(h.pm25Ytd.value, 1)}${h.pm25Ytd.target === null ? '' : ` / ${h.pm25Ytd.target}`}`,
    );
    lines.push(
      `${t(locale, 'heavyYtd', { range: ytdRange(data.month, locale) })}: ${h.heavyDaysYtd.countExSandDust}${h.heavyDaysYtd.target === null ? '' : ` / ${h.heavyDaysYtd.target}`}`,
    );
    for (const r of data.rankings) {
      const worst = r.rows
        .filter((row) => row.mark === 'worst')
        .map((row) => (locale === 'zh-CN' ? row.area.shortZh : row.area.nameEn));
      if (worst.length)
        lines.push(
          `${locale === 'zh-CN' ? r.metric.nameZh : r.metric.nameEn} ${t(locale, 'worst')}: ${worst.join(locale === 'zh-CN' ? '、' : ', ')}`,
        );
    }
  } else {
    for (const w of data.worst)
      lines.push(
        `${w.rank}. ${locale === 'zh-CN' ? w.area.shortZh : w.area.nameEn} (${w.sectionsFailing}, ${w.maxExceedance === null ? '—' : roundGbt8170(w.maxExceedance, 2)})`,
      );
  }
  lines.push(
    '',
    locale === 'zh-CN'
      ? '完整报告见附件（PDF、Excel、CSV）。'
      : 'The full report is attached (PDF, Excel, CSV).',
  );
  return lines.join('\n');
}

export async function renderReport(
  data: ReportData,
  run: RenderRun,
  renderer: PdfRenderer,
): Promise<RenderOutput> {
  // Locales, and the PDF and chart images within a locale, render in parallel pages of one browser.
  const perLocale = await Promise.all(run.locales.map((locale) => renderLocale(data, run, locale, renderer)));
  return {
    files: perLocale.flatMap((l) => l.files),
    email: perLocale.map((l) => l.email),
    titles: Object.fromEntries(perLocale.map((l) => [l.email.locale, l.title])),
  };
}

async function renderLocale(
  data: ReportData,
  run: RenderRun,
  locale: ReportLocale,
  renderer: PdfRenderer,
): Promise<{ files: RenderedFile[]; email: EmailAssets; title: string }> {
  const base = { locale, version: run.version, producedAt: run.producedAt, supersedes: run.supersedes };
  const web = renderHtml(data, { ...base, charts: 'svg' });
  const mail = renderHtml(data, { ...base, charts: 'cid' });
  const name = (format: RenderedFile['format']) => offeredFileName(web.title, run.version, locale, format);
  const meta = { title: web.title, version: run.version, producedAt: run.producedAt };
  const [pdf, xlsx, pngs] = await Promise.all([
    renderer
      .pdf(web.html, { footerLabel: footerLabel(data, run.version, locale), locale })
      .then((pdf) => stampPdfDates(pdf, run.producedAt)),
    data.kind === 'monthly'
      ? renderMonthlyXlsx(data, locale, meta)
      : renderWaterBulletinXlsx(data, locale, meta),
    renderer.chartPngs(mail.charts),
  ]);
  const csv = data.kind === 'monthly' ? renderMonthlyCsv(data, locale) : renderWaterBulletinCsv(data, locale);
  return {
    title: web.title,
    files: [
      { locale, format: 'html', fileName: name('html'), content: Buffer.from(web.html, 'utf8') },
      { locale, format: 'pdf', fileName: name('pdf'), content: pdf },
      { locale, format: 'xlsx', fileName: name('xlsx'), content: xlsx },
      { locale, format: 'csv', fileName: name('csv'), content: csv },
    ],
    email: {
      locale,
      subject: emailSubject(web.title, data, run.version, locale),
      html: mail.html,
      text: emailText(data, web.title, locale),
      images: mail.charts.map((c) => ({ cid: c.id, png: pngs.get(c.id)! })),
    },
  };
}

export function periodLabel(data: ReportData, locale: ReportLocale): string {
  return data.kind === 'monthly' ? monthLabel(data.month, locale) : quarterLabel(data.quarter, locale);
}
