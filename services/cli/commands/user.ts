/**
 * `envwatch user <add|list|districts|token|tokens|revoke-token|password|disable|enable>`: accounts and API tokens from
 * the console. The bootstrap administrator is `envwatch user add --username admin --role admin`, which prints
 * a generated password once. Every change is audited with the actor `cli:<os user>`.
 */
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { addUser, changeUser, issueToken, revokeApiToken } from '../../auth/accounts.js';
import { listTokens } from '../../auth/credential-queries.js';
import { generatePassword } from '../../auth/password.js';
import { ROLES, type Role } from '../../auth/principal.js';
import { findUserByUsername, listUsers, type UserRow } from '../../auth/user-queries.js';
import { createPool } from '../../db/pool.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { cliActor, type CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';

const USAGE = `usage:
  envwatch user add --username <name> --role <${ROLES.join('|')}> [--area <area id>] [--unit <unit id>] [--district <district id> …] [--name <display name>] [--locale zh-CN|en]
                    (prints a generated password; street/town accounts need --area, unit accounts --unit;
                    a bureau with --district reads only those districts, without it every district)
  envwatch user list
  envwatch user districts --username <name> (--district <district id> … | --all-districts)
                    (sets a bureau account's districts, replacing the ones it had)
  envwatch user token --username <name> --name <purpose> [--read-only] [--days <n> | --no-expiry]
                    (prints the token once; it is stored only as a SHA-256 digest)
  envwatch user tokens [--username <name>]
  envwatch user revoke-token --id <token id>
  envwatch user password --username <name>      (sets and prints a new generated password)
  envwatch user disable --username <name>
  envwatch user enable --username <name>`;

const OPTIONS = {
  username: { type: 'string' },
  role: { type: 'string' },
  area: { type: 'string' },
  unit: { type: 'string' },
  district: { type: 'string', multiple: true },
  'all-districts': { type: 'boolean', default: false },
  name: { type: 'string' },
  locale: { type: 'string' },
  'read-only': { type: 'boolean', default: false },
  days: { type: 'string' },
  'no-expiry': { type: 'boolean', default: false },
  id: { type: 'string' },
} as const;

async function userNamed(pool: pg.Pool, username: string | undefined): Promise<UserRow> {
  if (!username) throw new ValidationError('--username is required');
  const u = await findUserByUsername(pool, username.trim().toLowerCase());
  if (!u) throw new NotFoundError(`no user ${username}`);
  return u;
}

function describe(u: UserRow): string {
  const flags = [u.disabled_at ? 'disabled' : null, u.has_password ? null : 'no password']
    .filter(Boolean)
    .join(', ');
  const scope = u.area_id ? `:${u.area_id}` : u.district_ids.length > 0 ? `:${u.district_ids.join(',')}` : '';
  return `${u.id}\t${u.username}\t${u.role}${scope}\t${u.display_name}${flags ? `\t(${flags})` : ''}`;
}

export const run: CommandRun = async ({ config, args, out }) => {
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help') {
    out(USAGE);
    return sub ? 0 : 2;
  }
  const { values: v } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: false });
  await checkPostgres(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2, applicationName: 'envwatch-cli' });
  try {
    switch (sub) {
      case 'add': {
        if (!v.username || !v.role) throw new ValidationError(`--username and --role are required\n${USAGE}`);
        if (!ROLES.includes(v.role as Role))
          throw new ValidationError(`--role must be one of ${ROLES.join(', ')}`);
        const { user, generatedPassword } = await addUser(pool, cliActor(), {
          username: v.username,
          role: v.role as Role,
          areaId: v.area ?? null,
          unitId: v.unit ?? null,
          districtIds: v.district ?? [],
          displayName: v.name,
          locale: v.locale === 'en' ? 'en' : 'zh-CN',
        });
        out(`created ${describe(user)}`);
        out(`password: ${generatedPassword}`);
        out('(shown once; change it by logging in, or run `envwatch user password` again)');
        return 0;
      }
      case 'list':
        for (const u of await listUsers(pool)) out(describe(u));
        return 0;
      case 'districts': {
        const u = await userNamed(pool, v.username);
        const districts = v.district ?? [];
        // Both or neither would leave "every district" and "these districts" to a guess.
        if (districts.length > 0 === v['all-districts'])
          throw new ValidationError(
            `give the districts (--district <id>, repeatable) or --all-districts, not both or neither\n${USAGE}`,
          );
        const after = await changeUser(pool, cliActor(), u.id, { districtIds: districts });
        out(
          `${after.username} reads ${after.district_ids.length > 0 ? after.district_ids.join(', ') : 'every district'}`,
        );
        return 0;
      }
      case 'token': {
        const u = await userNamed(pool, v.username);
        if (!v.name)
          throw new ValidationError('--name <purpose> is required (e.g. --name "monitoring station push")');
        const days = v['no-expiry'] ? null : v.days ? Number(v.days) : 365;
        if (days !== null && (!Number.isInteger(days) || days < 1))
          throw new ValidationError('--days must be a positive whole number');
        const { token, row } = await issueToken(pool, cliActor(), {
          userId: u.id,
          name: v.name,
          readOnly: v['read-only'],
          expiresInDays: days,
        });
        out(
          `token ${row.id} for ${u.username} (${row.read_only ? 'read-only' : u.role}), expires ${row.expires_at?.toISOString() ?? 'never'}:`,
        );
        out(token);
        out('(shown once; send it as "Authorization: Bearer <token>")');
        return 0;
      }
      case 'tokens': {
        const userId = v.username ? (await userNamed(pool, v.username)).id : null;
        for (const t of await listTokens(pool, userId)) {
          const state = t.revoked_at
            ? 'revoked'
            : t.expires_at && t.expires_at < new Date()
              ? 'expired'
              : 'active';
          out(
            `${t.id}\t${t.username}\t${t.token_prefix}…\t${t.name}\t${t.read_only ? 'read-only' : 'read-write'}\t${state}\tlast used ${t.last_used_at?.toISOString() ?? 'never'}`,
          );
        }
        return 0;
      }
      case 'revoke-token': {
        const id = Number(v.id);
        if (!Number.isInteger(id) || id < 1)
          throw new ValidationError('--id <token id> is required (see `envwatch user tokens`)');
        const t = await revokeApiToken(pool, cliActor(), id);
        out(`revoked token ${t.id} (${t.name}) of ${t.username}`);
        return 0;
      }
      case 'password': {
        const u = await userNamed(pool, v.username);
        const password = generatePassword();
        await changeUser(pool, cliActor(), u.id, { password });
        out(`new password for ${u.username}: ${password}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const u = await userNamed(pool, v.username);
        const after = await changeUser(pool, cliActor(), u.id, { disabled: sub === 'disable' });
        out(`${sub}d ${describe(after)}`);
        return 0;
      }
      default:
        throw new ValidationError(`unknown subcommand "${sub}"\n${USAGE}`);
    }
  } finally {
    await pool.end();
  }
};
