/**
 * The shape `envwatch site`, `envwatch device` and `envwatch indicator` share: usage on `help`, the
 * subcommand's options parsed, PostgreSQL checked, a small pool for the one command, and its subcommands
 * (add | update | list; set | list) dispatched — each command gives only its options and what they do.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type pg from 'pg';
import type { Actor } from '../auth/audit-log.js';
import { createPool } from '../db/pool.js';
import { ValidationError } from '../errors.js';
import { cliActor, type CommandRun } from './command.js';
import { checkPostgres } from './dependency-check.js';

type Options = NonNullable<ParseArgsConfig['options']>;
/** What parseArgs gives for a command's options. */
export type Values<O extends Options> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true }>
>['values'];

export interface RegistryStep<O extends Options> {
  pool: pg.Pool;
  v: Values<O>;
  positionals: string[];
  out: (line: string) => void;
  actor: Actor;
}

/** The fields an add or update was given: an option left out changes nothing. */
export function givenFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined));
}

export function registryCommand<O extends Options, S extends string = 'add' | 'update' | 'list'>(
  usage: string,
  options: O,
  steps: Record<S, (s: RegistryStep<O>) => Promise<void>>,
): CommandRun {
  return async ({ config, args, out }) => {
    const [sub, ...rest] = args;
    if (!sub || sub === 'help' || sub === '--help') {
      out(usage);
      return sub ? 0 : 2;
    }
    const step = Object.hasOwn(steps, sub) ? steps[sub as S] : undefined;
    if (!step) throw new ValidationError(`unknown subcommand "${sub}"\n${usage}`);
    const { values: v, positionals } = parseArgs({ args: rest, options, allowPositionals: true });
    await checkPostgres(config);
    const pool = createPool({
      connectionString: config.DATABASE_URL,
      max: 2,
      applicationName: 'envwatch-cli',
    });
    try {
      await step({ pool, v, positionals, out, actor: cliActor() });
      return 0;
    } finally {
      await pool.end();
    }
  };
}
