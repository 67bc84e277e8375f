/**
 * `envwatch report --month 2024-03 [--scope tongzhou|bda] [--out dir] [--email] [--locale zh-CN,en] [--force]`
 * `envwatch report --quarter 2021-Q1 …` (the quarterly water bulletin)
 * `envwatch report --month 2024-11 --tasks …` (the monthly 调度 report of the plans' tasks)
 *
 * Produces the report on demand through the same path as the scheduled job: a new archived version when the
 * data changed since the current one (or with --force), else the current version. --out copies its files
 * under their offered (Chinese) names; --email sends it to the distribution list.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '../../db/pool.js';
import { ValidationError } from '../../errors.js';
import { deliverReport, resolveDistributionList } from '../../reports/deliver-report.js';
import { produceReport } from '../../reports/produce-report.js';
import { openPdfEngine } from '../../reports/render/pdf-engine.js';
import { createReportMailer } from '../../reports/report-mailer.js';
import { REPORT_LOCALES, type ReportKind, type ReportLocale } from '../../reports/report-types.js';
import { systemClock } from '../../time/shanghai.js';
import type { CommandRun } from '../command.js';
import { resolveFromRoot } from '../../../config/paths.js';

const USAGE =
  'usage: envwatch report (--month YYYY-MM [--tasks] | --quarter YYYY-Qn) [--scope tongzhou|bda] [--out dir] [--email] [--locale zh-CN,en] [--force]';

function parse(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        month: { type: 'string' },
        quarter: { type: 'string' },
        scope: { type: 'string' },
        out: { type: 'string' },
        email: { type: 'boolean', default: false },
        locale: { type: 'string' },
        force: { type: 'boolean', default: false },
        tasks: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new ValidationError(`${(err as Error).message}\n${USAGE}`);
  }
  const period = values.month ?? values.quarter;
  if (!period || (values.month && values.quarter))
    throw new ValidationError(`give one of --month or --quarter\n${USAGE}`);
  if (values.tasks && !values.month) throw new ValidationError(`--tasks goes with --month\n${USAGE}`);
  const kind: ReportKind = values.tasks ? 'task_dispatch' : values.month ? 'monthly' : 'water_quarterly';
  const ok =
    kind !== 'water_quarterly' ? /^\d{4}-(0[1-9]|1[0-2])$/.test(period) : /^\d{4}-Q[1-4]$/.test(period);
  if (!ok)
    throw new ValidationError(
      `not a ${kind !== 'water_quarterly' ? 'month (YYYY-MM)' : 'quarter (YYYY-Qn)'}: ${period}`,
    );
  const locales = values.locale?.split(',').map((l) => l.trim());
  for (const l of locales ?? [])
    if (!REPORT_LOCALES.includes(l as ReportLocale))
      throw new ValidationError(`unknown locale ${l} (zh-CN, en)`);
  return {
    kind,
    period,
    scope: values.scope,
    out: values.out,
    email: values.email,
    force: values.force,
    locales: locales as ReportLocale[] | undefined,
  };
}

export const run: CommandRun = async ({ config, args, out }) => {
  const opts = parse(args);
  const scopes = opts.scope ? [opts.scope] : config.REPORT_SCOPES;
  const outDir = resolveFromRoot(config.OUT_DIR);
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    max: 8,
    applicationName: 'envwatch-report',
  });
  const renderer = openPdfEngine({ engine: config.REPORT_PDF_ENGINE, chromiumPath: config.CHROMIUM_PATH });
  const mailer = opts.email ? createReportMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM }) : null;
  let failures = 0;
  try {
    for (const scopeId of scopes) {
      const result = await produceReport(pool, {
        kind: opts.kind,
        scopeId,
        periodKey: opts.period,
        reason: 'on_demand',
        locales: opts.locales ?? config.REPORT_LOCALES,
        outDir,
        clock: systemClock,
        renderer,
        force: opts.force,
      });
      const { report, timings } = result;
      out(
        `${scopeId} ${opts.period}: ${result.status === 'created' ? 'produced' : 'unchanged, current'} version ${report.version} (${report.data_version}); data ${timings.dataMs.toFixed(0)} ms, rendering ${timings.renderMs.toFixed(0)} ms`,
      );
      for (const f of result.failures) out(`  ${f.locale} ${f.format.padEnd(4)} NOT PRODUCED: ${f.reason}`);
      failures += result.failures.length;
      for (const f of result.files) {
        if (opts.out) {
          await mkdir(opts.out, { recursive: true });
          const target = path.join(opts.out, f.file_name);
          await copyFile(path.join(outDir, f.path), target);
          out(`  ${f.locale} ${f.format.padEnd(4)} ${target}`);
        } else out(`  ${f.locale} ${f.format.padEnd(4)} ${path.join(outDir, f.path)}  (${f.file_name})`);
      }
      if (mailer) {
        const recipients = await resolveDistributionList(pool, {
          scopeId,
          year: Number(opts.period.slice(0, 4)),
          extra: config.REPORT_EMAIL_TO,
          defaultLocale: config.DEFAULT_LOCALE,
        });
        if (recipients.length === 0)
          out(
            '  no recipients: set REPORT_EMAIL_TO or add contacts whose role names 简报/月报/通报/bulletin',
          );
        const outcome = await deliverReport(pool, { reportId: report.id, recipients, mailer, outDir });
        out(
          `  e-mail: ${outcome.sent.length} sent, ${outcome.skipped.length} already sent, ${outcome.failed.length} failed`,
        );
        for (const f of outcome.failed) out(`    ${f.recipient}: ${f.error}`);
        failures += outcome.failed.length;
      }
    }
  } finally {
    mailer?.close();
    await renderer.close();
    await pool.end();
  }
  return failures > 0 ? 1 : 0;
};
