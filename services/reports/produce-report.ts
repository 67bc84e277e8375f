/**
 * Produces one report version: collect the data, compare its fingerprint with the current version, render
 * every format, write the files under OUT_DIR/reports/<scope>/<period>/v<n>/, record them, and mark the
 * previous version superseded. Held under a per-report advisory lock for the whole run, so two workers (or
 * a worker and the CLI) can never both create version n.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { withTransaction } from '../db/queryable.js';
import { stableNumberReplacer } from '../standards/stable-number.js';
import type { Clock } from '../time/shanghai.js';
import { collectMonthlyReport } from './collect-monthly.js';
import { collectTaskDispatch } from './collect-task-dispatch.js';
import { collectWaterBulletin } from './collect-water-bulletin.js';
import { archiveDir, diskFileName } from './file-names.js';
import {
  allocateReportId,
  insertReport,
  insertReportFiles,
  lockReportKey,
  readCurrentReport,
  readMaxVersion,
  readReportFiles,
  supersedeReport,
  type ReportFileRow,
  type ReportRow,
} from './queries/archive-queries.js';
import { renderReport, type EmailAssets, type RenderFailure } from './render-report.js';
import type { PdfEngine } from './render/pdf-engine.js';
import { ReportRenderError } from './report-errors.js';
import type { ReportData, ReportKind, ReportLocale } from './report-types.js';

export interface ProduceOptions {
  kind: ReportKind;
  scopeId: string;
  /** 2024-03 for a monthly report, 2021-Q1 for a water bulletin. */
  periodKey: string;
  reason: 'schedule' | 'revision' | 'on_demand';
  locales: readonly ReportLocale[];
  /** Absolute OUT_DIR. */
  outDir: string;
  clock: Clock;
  /** The PDF engine (pdfkit by default; see render/pdf-engine.ts). */
  renderer: PdfEngine;
  /** Make a new version even when the data did not change. */
  force?: boolean;
}

export interface ProduceResult {
  status: 'created' | 'unchanged';
  report: ReportRow;
  files: ReportFileRow[];
  /** Formats that could not be produced this time, with the reason (also kept in report.summary). */
  failures: RenderFailure[];
  timings: { dataMs: number; renderMs: number; archiveMs: number };
}

export interface EmailManifestEntry {
  subject: string;
  html: string;
  text: string;
  images: { cid: string; path: string }[];
}

export async function collectReportData(
  db: pg.Pool,
  kind: ReportKind,
  scopeId: string,
  periodKey: string,
): Promise<ReportData> {
  if (kind === 'task_dispatch') return collectTaskDispatch(db, { scopeId, month: periodKey });
  return kind === 'monthly'
    ? collectMonthlyReport(db, { scopeId, month: periodKey })
    : collectWaterBulletin(db, { scopeId, quarter: periodKey });
}

/**
 * sha256 of what the data say. Target statuses and open alerts are left out: they change daily, and a
 * report is re-issued only when the measurements of its period change (or their data version does).
 */
export function dataFingerprint(data: ReportData): string {
  const volatile = new Set(['alerts', 'districtTargets', 'status']);
  // Numbers at 12 significant digits: a mean re-added in another order is the same data (issue #19).
  const json = JSON.stringify(data, (key, value: unknown) =>
    volatile.has(key) ? undefined : stableNumberReplacer(key, value),
  );
  return createHash('sha256').update(json).digest('hex');
}

function hasFailures(report: ReportRow): boolean {
  const f = report.summary['failures'];
  return Array.isArray(f) && f.length > 0;
}

function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

async function writeEmailAssets(
  outDir: string,
  relDir: string,
  email: readonly EmailAssets[],
): Promise<Record<string, EmailManifestEntry>> {
  const manifest: Record<string, EmailManifestEntry> = {};
  for (const e of email) {
    const dir = path.posix.join(relDir, 'email', e.locale);
    await mkdir(path.join(outDir, dir), { recursive: true });
    const htmlPath = path.posix.join(dir, 'body.html');
    await writeFile(path.join(outDir, htmlPath), e.html);
    const images: EmailManifestEntry['images'] = [];
    for (const img of e.images) {
      const p = path.posix.join(dir, `${img.cid}.png`);
      await writeFile(path.join(outDir, p), img.png);
      images.push({ cid: img.cid, path: p });
    }
    manifest[e.locale] = { subject: e.subject, html: htmlPath, text: e.text, images };
  }
  return manifest;
}

export async function produceReport(db: pg.Pool, opts: ProduceOptions): Promise<ProduceResult> {
  // The data are read on the pool before the transaction takes its connection: the parallel queries need
  // connections of their own, and a pool of one would otherwise wait on itself.
  const t0 = performance.now();
  const data = await collectReportData(db, opts.kind, opts.scopeId, opts.periodKey);
  const fingerprint = dataFingerprint(data);
  const dataMs = performance.now() - t0;
  return withTransaction(db, async (tx) => {
    await lockReportKey(tx, opts.kind, opts.scopeId, opts.periodKey);
    // Re-read under the lock: a producer that finished meanwhile with the same data leaves nothing to do.
    const current = await readCurrentReport(tx, opts.kind, opts.scopeId, opts.periodKey);
    // A version that lacks a format is made again, so a fixed engine fills the gap on the next run.
    if (current && current.data_fingerprint === fingerprint && !opts.force && !hasFailures(current)) {
      return {
        status: 'unchanged',
        report: current,
        files: await readReportFiles(tx, current.id),
        failures: [],
        timings: { dataMs, renderMs: 0, archiveMs: 0 },
      };
    }
    const version = (await readMaxVersion(tx, opts.kind, opts.scopeId, opts.periodKey)) + 1;
    const producedAt = opts.clock.now();
    const t1 = performance.now();
    const rendered = await renderReport(
      data,
      { version, producedAt, supersedes: current?.version ?? null, locales: opts.locales },
      opts.renderer,
    );
    const renderMs = performance.now() - t1;
    if (rendered.files.length === 0)
      throw new ReportRenderError(
        `no format of ${opts.kind} ${opts.scopeId} ${opts.periodKey} could be produced: ${rendered.failures.map((f) => `${f.locale} ${f.format}: ${f.reason}`).join('; ')}`,
        false,
      );

    const t2 = performance.now();
    const relDir = archiveDir(opts.scopeId, opts.periodKey, version);
    await mkdir(path.join(opts.outDir, relDir), { recursive: true });
    const email = await writeEmailAssets(opts.outDir, relDir, rendered.email);
    const id = await allocateReportId(tx);
    if (current) await supersedeReport(tx, current.id, id);
    const report = await insertReport(tx, {
      id,
      kind: opts.kind,
      scope_id: opts.scopeId,
      period_key: opts.periodKey,
      version,
      data_version: data.dataVersion,
      data_fingerprint: fingerprint,
      reason: opts.reason,
      summary: {
        titles: rendered.titles,
        email,
        supersedes: current?.version ?? null,
        failures: rendered.failures,
        pdfEngine: opts.renderer.name,
      },
      produced_at: producedAt,
    });
    const files: ReportFileRow[] = [];
    for (const f of rendered.files) {
      const rel = path.posix.join(
        relDir,
        diskFileName(opts.kind, opts.scopeId, opts.periodKey, version, f.locale, f.format),
      );
      await writeFile(path.join(opts.outDir, rel), f.content);
      files.push({
        report_id: report.id,
        locale: f.locale,
        format: f.format,
        path: rel,
        file_name: f.fileName,
        bytes: f.content.length,
        sha256: sha256(f.content),
      });
    }
    await insertReportFiles(tx, files);
    return {
      status: 'created',
      report,
      files,
      failures: rendered.failures,
      timings: { dataMs, renderMs, archiveMs: performance.now() - t2 },
    };
  });
}
