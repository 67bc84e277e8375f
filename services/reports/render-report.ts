/**
 * The rendering phase: every format of a report for every locale, plus the e-mail body (charts as PNG
 * attachments referenced by cid). Each format is made on its own: one that fails (a PDF engine that cannot
 * start, a chart that cannot be drawn) is recorded with its reason and the others still come out.
 */
import { chartPngs } from '../charts/raster.js';
import { roundGbt8170 } from '../standards/index.js';
import { offeredFileName } from './file-names.js';
import type { ReportData, ReportLocale, RenderedFile, TaskDispatchData } from './report-types.js';
import { reportedPct } from './render/dispatch-tables.js';
import { renderDispatchCsv, renderMonthlyCsv, renderWaterBulletinCsv } from './render/csv.js';
import { fixed, monthLabel, quarterLabel, ytdRange } from './render/format.js';
import { type RenderContext } from './render/html-shared.js';
import { renderDispatchHtml } from './render/html-dispatch.js';
import { renderMonthlyHtml } from './render/html-monthly.js';
import { renderWaterBulletinHtml } from './render/html-water.js';
import { t } from './render/labels.js';
import type { PdfEngine } from './render/pdf-engine.js';
import { renderDispatchXlsx, renderMonthlyXlsx, renderWaterBulletinXlsx } from './render/xlsx.js';

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

/** A format (or the e-mail's chart images) that could not be produced, and why. */
export interface RenderFailure {
  locale: ReportLocale;
  format: RenderedFile['format'] | 'email-images';
  reason: string;
}

export interface RenderOutput {
  files: RenderedFile[];
  failures: RenderFailure[];
  email: EmailAssets[];
  titles: Partial<Record<ReportLocale, string>>;
}

function renderHtml(
  data: ReportData,
  ctx: RenderContext,
): { html: string; title: string; charts: { id: string; svg: string; width: number; height: number }[] } {
  if (data.kind === 'monthly') return renderMonthlyHtml(data, ctx);
  if (data.kind === 'task_dispatch') return { ...renderDispatchHtml(data, ctx), charts: [] };
  return { ...renderWaterBulletinHtml(data, ctx), charts: [] };
}

/** The page footer: district, period and version, e.g. 通州区 2024年3月 第1版. */
function footerLabel(data: ReportData, version: number, locale: ReportLocale): string {
  const scope = locale === 'zh-CN' ? data.scope.nameZh : data.scope.nameEn;
  return `${scope} ${periodLabel(data, locale)} ${t(locale, 'version', { n: version })}`;
}

export function emailSubject(title: string, data: ReportData, version: number, locale: ReportLocale): string {
  // Units' own reports have no audited/provisional version to name.
  if (data.kind === 'task_dispatch')
    return locale === 'zh-CN' ? `${title}（第${version}版）` : `${title} (version ${version})`;
  const dv = t(locale, data.dataVersion === 'audited' ? 'audited' : 'provisional').replace(/（.*|\s\(.*/, '');
  return locale === 'zh-CN' ? `${title}（第${version}版，${dv}）` : `${title} (version ${version}, ${dv})`;
}

/** The plain-text part: the headline in a few lines, for clients that do not show HTML. */
export function emailText(data: ReportData, title: string, locale: ReportLocale): string {
  if (data.kind === 'task_dispatch') return dispatchEmailText(data, title, locale);
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
  engine: PdfEngine,
): Promise<RenderOutput> {
  const perLocale = await Promise.all(run.locales.map((locale) => renderLocale(data, run, locale, engine)));
  return {
    files: perLocale.flatMap((l) => l.files),
    failures: perLocale.flatMap((l) => l.failures),
    email: perLocale.map((l) => l.email),
    titles: Object.fromEntries(perLocale.map((l) => [l.email.locale, l.title])),
  };
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function renderLocale(
  data: ReportData,
  run: RenderRun,
  locale: ReportLocale,
  engine: PdfEngine,
): Promise<{ files: RenderedFile[]; failures: RenderFailure[]; email: EmailAssets; title: string }> {
  const base = { locale, version: run.version, producedAt: run.producedAt, supersedes: run.supersedes };
  const web = renderHtml(data, { ...base, charts: 'svg' });
  const mail = renderHtml(data, { ...base, charts: 'cid' });
  const name = (format: RenderedFile['format']) => offeredFileName(web.title, run.version, locale, format);
  const meta = { title: web.title, version: run.version, producedAt: run.producedAt };
  const makers: Record<RenderedFile['format'], () => Promise<Buffer>> = {
    html: async () => Buffer.from(web.html, 'utf8'),
    pdf: () =>
      engine.pdf({
        data,
        html: web.html,
        charts: web.charts,
        locale,
        title: web.title,
        version: run.version,
        producedAt: run.producedAt,
        supersedes: run.supersedes,
        footerLabel: footerLabel(data, run.version, locale),
      }),
    xlsx: () =>
      data.kind === 'monthly'
        ? renderMonthlyXlsx(data, locale, meta)
        : data.kind === 'task_dispatch'
          ? renderDispatchXlsx(data, locale, meta)
          : renderWaterBulletinXlsx(data, locale, meta),
    csv: async () =>
      data.kind === 'monthly'
        ? renderMonthlyCsv(data, locale)
        : data.kind === 'task_dispatch'
          ? renderDispatchCsv(data, locale)
          : renderWaterBulletinCsv(data, locale),
  };
  const formats = Object.keys(makers) as RenderedFile['format'][];
  const [settled, pngs] = await Promise.all([
    Promise.allSettled(formats.map((f) => makers[f]())),
    chartPngs(mail.charts).then(
      (m) => ({ ok: true as const, m }),
      (err: unknown) => ({ ok: false as const, reason: reasonOf(err) }),
    ),
  ]);
  const files: RenderedFile[] = [];
  const failures: RenderFailure[] = [];
  settled.forEach((r, i) => {
    const format = formats[i]!;
    if (r.status === 'fulfilled') files.push({ locale, format, fileName: name(format), content: r.value });
    else failures.push({ locale, format, reason: reasonOf(r.reason) });
  });
  if (!pngs.ok) failures.push({ locale, format: 'email-images', reason: pngs.reason });
  return {
    title: web.title,
    files,
    failures,
    email: {
      locale,
      subject: emailSubject(web.title, data, run.version, locale),
      html: mail.html,
      text: emailText(data, web.title, locale),
      images: pngs.ok ? mail.charts.map((c) => ({ cid: c.id, png: pngs.m.get(c.id)! })) : [],
    },
  };
}

export function periodLabel(data: ReportData, locale: ReportLocale): string {
  return data.kind === 'water_quarterly'
    ? quarterLabel(data.quarter, locale)
    : monthLabel(data.month, locale);
}

/** The 调度 report's plain-text part: per plan the counts, then how many tasks are overdue. */
function dispatchEmailText(data: TaskDispatchData, title: string, locale: ReportLocale): string {
  const zh = locale === 'zh-CN';
  const lines = [title, ''];
  for (const p of data.plans) {
    const c = p.totals;
    const pct = fixed(reportedPct(c), 1);
    lines.push(
      zh
        ? `${p.nameZh}：应报${c.owed}项，已完成${c.done}，正常推进${c.onTrack}，滞后${c.late}，未上报${c.notReported}（上报率${pct}%）`
        : `${p.nameEn}: ${c.owed} owed, ${c.done} done, ${c.onTrack} on track, ${c.late} late, ${c.notReported} not reported (${pct}% reported)`,
    );
  }
  lines.push(zh ? `逾期未完成任务：${data.overdue.length}项` : `Overdue tasks: ${data.overdue.length}`);
  lines.push(
    '',
    zh ? '完整报告见附件（PDF、Excel、CSV）。' : 'The full report is attached (PDF, Excel, CSV).',
  );
  return lines.join('\n');
}
