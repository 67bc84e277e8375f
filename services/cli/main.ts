/**
 * `envwatch <command>`. Configuration is parsed once here and passed down; errors are printed as sentences,
 * never as stack traces. Each command lives in services/cli/commands/<name>.ts and is loaded only when
 * used, so `envwatch doctor` does not load the report renderer.
 */
import { ConfigError, EnvwatchError } from '../errors.js';
import type { CommandRun } from './command.js';

const COMMANDS: Record<string, { summary: string; load: () => Promise<{ run: CommandRun }> }> = {
  migrate: {
    summary: 'apply pending database migrations (safe to run concurrently)',
    load: () => import('./commands/migrate.js'),
  },
  seed: {
    summary: 'load reference data, targets and contacts from config/ (idempotent)',
    load: () => import('./commands/seed.js'),
  },
  doctor: {
    summary: 'show storage mode, PostgreSQL/TimescaleDB/Redis versions and warnings',
    load: () => import('./commands/doctor.js'),
  },
  start: {
    summary: 'migrate, then run scheduler + workers + API (ROLES=…); --wait <s>',
    load: () => import('./commands/start.js'),
  },
  ingest: {
    summary: 'ingest one file by hand: envwatch ingest <file> [--format F] [--source ID] [--bulk]',
    load: () => import('./commands/ingest.js'),
  },
  reprocess: {
    summary: 'refused rows: --list, re-process after a fix, or --discard',
    load: () => import('./commands/reprocess.js'),
  },
  evaluate: {
    summary: 'evaluate targets now [--year YYYY] [--target ID] [--as-of YYYY-MM-DD]',
    load: () => import('./commands/evaluate.js'),
  },
  'check-targets': {
    summary: 'validate config/targets against config/reference without a database',
    load: () => import('./commands/check-targets.js'),
  },
  'check-tasks': {
    summary:
      'validate config/tasks against config/reference and config/targets; list rows to review [--strict]',
    load: () => import('./commands/check-tasks.js'),
  },
  'extract-tasks': {
    summary: 'dev: regenerate config/tasks/*.yaml from the plan documents [--seeds DIR]; prints row counts',
    load: () => import('./commands/extract-tasks.js'),
  },
  alerts: {
    summary: 'open alerts: list | ack <id> --by <name> [--comment] | sweep | sms-templates',
    load: () => import('./commands/alerts.js'),
  },
  report: {
    summary: 'produce a report: --month 2024-03 [--scope tongzhou|bda] [--out dir] [--email]',
    load: () => import('./commands/report.js'),
  },
  user: {
    summary: 'accounts and API tokens: add | list | token | revoke-token | password | disable | enable',
    load: () => import('./commands/user.js'),
  },
  site: {
    summary: 'stations and sites users register: add | update | list (survive `envwatch seed`)',
    load: () => import('./commands/site.js'),
  },
  device: {
    summary: 'HJ 212 data loggers: add | update | list (MN, site, password, edition, SM4 key, factors)',
    load: () => import('./commands/device.js'),
  },
  indicator: {
    summary: 'manual-entry indicators: set --target --period --value [--scope] | list [--period]',
    load: () => import('./commands/indicator.js'),
  },
  demo: {
    summary: 'replay a synthetic year end to end and leave the dashboard running (npm run demo)',
    load: () => import('./commands/demo.js'),
  },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return (
    'usage: envwatch <command> [options]\n\ncommands:\n' +
    Object.entries(COMMANDS)
      .map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`)
      .join('\n') +
    '\n'
  );
}

const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`envwatch: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  // Loaded here, not at the top: `--help` must not pay for zod and the config schema (start-up time).
  const { loadConfig } = await import('../../config/env.js');
  const config = loadConfig();
  (await import('../ingest/limits.js')).configureIngestLimits(config);
  const { run } = await command.load();
  return run({ config, args, out });
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`envwatch: ${err.message}\n(see .env.example for every key)\n`);
      process.exit(2);
    }
    process.stderr.write(`envwatch: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof EnvwatchError ? 3 : 1);
  },
);
