/**
 * `envwatch site <add|update|list>`: sites users register (issue 18 item 2) — air stations, dust monitors,
 * dust-fall sites, water sections — beside the shipped reference (config/reference), which stays the default.
 * Registered sites live in the database and survive `envwatch seed`. Every change is audited (`cli:<os user>`).
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Actor } from '../../auth/audit-log.js';
import { createPool } from '../../db/pool.js';
import { ValidationError } from '../../errors.js';
import { listSites, type RegistrySiteRow } from '../../registry/registry-queries.js';
import { addSite, changeSite } from '../../registry/registry.js';
import type { CommandRun } from '../command.js';
import { checkPostgres } from '../dependency-check.js';

const USAGE = `usage:
  envwatch site add --code <code, e.g. beiyuan-s1> --kind <air_station|dust_monitor|dust_fall_site|water_section>
                    --name <中文名> [--name-en <name>] --district <district id> [--area <street/town id>]
                    [--level national|municipal|district|micro] [--alias <code or name>]… [--lat <°>] [--lon <°>]
  envwatch site update <code> [any option of add but --code]
  envwatch site list [--all]      (registered sites; --all adds the shipped reference sites)`;

const OPTIONS = {
  code: { type: 'string' },
  kind: { type: 'string' },
  name: { type: 'string' },
  'name-en': { type: 'string' },
  district: { type: 'string' },
  area: { type: 'string' },
  level: { type: 'string' },
  alias: { type: 'string', multiple: true },
  lat: { type: 'string' },
  lon: { type: 'string' },
  note: { type: 'string' },
  all: { type: 'boolean', default: false },
} as const;

export function cliActor(): Actor {
  return { id: null, name: `cli:${userInfo().username}`, via: 'cli' };
}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ValidationError(`--${flag} must be a number of degrees, got "${v}"`);
  return n;
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function siteFields(v: Values): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    kind: v.kind,
    name_zh: v.name,
    name_en: v['name-en'],
    district_id: v.district,
    area_id: v.area,
    station_level: v.level,
    aliases: v.alias,
    latitude: num(v.lat, 'lat'),
    longitude: num(v.lon, 'lon'),
    note: v.note,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined));
}

function describe(s: RegistrySiteRow): string {
  const where = [s.district_id, s.area_id].filter(Boolean).join('/');
  const at = s.latitude !== null && s.longitude !== null ? `\t${s.latitude},${s.longitude}` : '';
  const aliases = s.aliases.length > 0 ? `\t[${s.aliases.join(', ')}]` : '';
  return `${s.id}\t${s.kind}${s.station_level ? `:${s.station_level}` : ''}\t${s.name_zh}\t${where}\t${s.origin}${aliases}${at}`;
}

export const run: CommandRun = async ({ config, args, out }) => {
  const [sub, ...rest] = args;
  if (!sub || sub === 'help' || sub === '--help') {
    out(USAGE);
    return sub ? 0 : 2;
  }
  const { values: v, positionals } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: true });
  await checkPostgres(config);
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 2, applicationName: 'envwatch-cli' });
  try {
    switch (sub) {
      case 'add': {
        const s = await addSite(pool, { code: v.code, ...siteFields(v) }, cliActor());
        out(
          `added site ${s.id} (${s.kind}) ${s.name_zh}${s.aliases.length ? `, codes/aliases ${s.aliases.join(', ')}` : ''}`,
        );
        return 0;
      }
      case 'update': {
        const code = positionals[0] ?? v.code;
        if (!code) throw new ValidationError(`which site? envwatch site update <code> …\n${USAGE}`);
        const s = await changeSite(pool, code, siteFields(v), cliActor());
        out(`updated site ${s.id}`);
        return 0;
      }
      case 'list':
        for (const s of await listSites(pool, v.all ? null : 'registry')) out(describe(s));
        return 0;
      default:
        throw new ValidationError(`unknown subcommand "${sub}"\n${USAGE}`);
    }
  } finally {
    await pool.end();
  }
};
