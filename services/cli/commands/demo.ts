/**
 * `envwatch demo` (`npm run demo`): the whole job on a synthetic year — see services/demo/run-demo.ts.
 *
 *   --quarter | --months <n>   replay only January..n (default the whole year)
 *   --seed <n>                 another synthetic year (same seed, same data)
 *   --year <yyyy>              the replayed year (default 2024; the year before is imported as history)
 *   --no-serve                 exit after the summary instead of leaving the dashboard running
 *   --smtp <url>               send mail there (e.g. Mailpit, smtp://127.0.0.1:1025) instead of out/mail/
 */
import { parseArgs } from 'node:util';
import { ValidationError } from '../../errors.js';
import { runDemo } from '../../demo/run-demo.js';
import { DEFAULT_DEMO_OPTIONS } from '../../demo/synthetic/dataset.js';
import type { CommandRun } from '../command.js';

function intOption(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ValidationError(`--${name} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return n;
}

export const run: CommandRun = async ({ config, args, out }) => {
  const { values } = parseArgs({
    args,
    options: {
      quarter: { type: 'boolean', default: false },
      months: { type: 'string' },
      seed: { type: 'string' },
      year: { type: 'string' },
      'no-serve': { type: 'boolean', default: false },
      smtp: { type: 'string' },
    },
    strict: true,
  });
  const months = values.quarter ? 3 : intOption('months', values.months, DEFAULT_DEMO_OPTIONS.months, 1, 12);
  const demo = await runDemo(
    config,
    {
      ...DEFAULT_DEMO_OPTIONS,
      seed: intOption('seed', values.seed, DEFAULT_DEMO_OPTIONS.seed, 0, 2 ** 31 - 1),
      year: intOption('year', values.year, DEFAULT_DEMO_OPTIONS.year, 2021, 2100),
      months,
      serve: !values['no-serve'],
      smtpUrl: values.smtp ?? config.DEMO_SMTP_URL,
    },
    out,
  );
  if (!demo.url) return 0;
  const shutdown = (signal: string) => {
    out(`${signal}: 正在停止 stopping…`);
    demo.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  return -1; // the dashboard keeps running until a signal
};
