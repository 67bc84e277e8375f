/**
 * File names. Offered names (download, e-mail attachment) are Chinese for the Chinese report, the way a
 * bulletin is filed; nodemailer encodes them per RFC 2231 with an RFC 2047 fallback, which Outlook, Foxmail
 * and webmail all read. Names on disk are ASCII so archives survive zip tools, shares and backups that
 * still mangle non-ASCII names.
 */
import type { ReportFormat, ReportKind, ReportLocale } from './report-types.js';

const EXT: Record<ReportFormat, string> = { html: 'html', pdf: 'pdf', xlsx: 'xlsx', csv: 'csv' };
const KIND: Record<ReportKind, string> = {
  monthly: 'monthly',
  water_quarterly: 'water',
  task_dispatch: 'tasks',
};

export function diskFileName(
  kind: ReportKind,
  scopeId: string,
  periodKey: string,
  version: number,
  locale: ReportLocale,
  format: ReportFormat,
): string {
  return `${scopeId}-${periodKey}-${KIND[kind]}-v${version}-${locale}.${EXT[format]}`;
}

/** `通州区2024年3月街道（乡镇）环境质量排名月报（第1版）.pdf`; characters Windows refuses are replaced. */
export function offeredFileName(
  title: string,
  version: number,
  locale: ReportLocale,
  format: ReportFormat,
): string {
  const base = locale === 'zh-CN' ? `${title}（第${version}版）` : `${title} (v${version})`;
  const safe = base
    .replace(/[\\/:*?"<>|]/g, locale === 'zh-CN' ? '－' : '-')
    .replace(/\s+/g, locale === 'zh-CN' ? '' : ' ');
  return `${safe}.${EXT[format]}`;
}

/** The archive folder of a version, relative to OUT_DIR: reports/<scope>/<period>/v<n>/. */
export function archiveDir(scopeId: string, periodKey: string, version: number): string {
  return `reports/${scopeId}/${periodKey}/v${version}`;
}
