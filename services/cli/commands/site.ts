/**
 * `envwatch site <add|update|list>`: sites users register (issue 18 item 2) — air stations, dust monitors,
 * dust-fall sites, water sections — beside the shipped reference (config/reference), which stays the default.
 * Registered sites live in the database and survive `envwatch seed`. Every change is audited (`cli:<os user>`).
 */
import { ValidationError } from '../../errors.js';
import { listSites, type RegistrySiteRow } from '../../registry/registry-queries.js';
import { addSite, changeSite } from '../../registry/registry.js';
import type { CommandRun } from '../command.js';
import { givenFields, registryCommand, type Values as CommandValues } from '../registry-command.js';

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

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new ValidationError(`--${flag} must be a number of degrees, got "${v}"`);
  return n;
}

type Values = CommandValues<typeof OPTIONS>;

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
  return givenFields(fields);
}

function describe(s: RegistrySiteRow): string {
  const where = [s.district_id, s.area_id].filter(Boolean).join('/');
  const at = s.latitude !== null && s.longitude !== null ? `\t${s.latitude},${s.longitude}` : '';
  const aliases = s.aliases.length > 0 ? `\t[${s.aliases.join(', ')}]` : '';
  return `${s.id}\t${s.kind}${s.station_level ? `:${s.station_level}` : ''}\t${s.name_zh}\t${where}\t${s.origin}${aliases}${at}`;
}

export const run: CommandRun = registryCommand(USAGE, OPTIONS, {
  async add({ pool, v, out, actor }) {
    const s = await addSite(pool, { code: v.code, ...siteFields(v) }, actor);
    out(
      `added site ${s.id} (${s.kind}) ${s.name_zh}${s.aliases.length ? `, codes/aliases ${s.aliases.join(', ')}` : ''}`,
    );
  },
  async update({ pool, v, positionals, out, actor }) {
    const code = positionals[0] ?? v.code;
    if (!code) throw new ValidationError(`which site? envwatch site update <code> …\n${USAGE}`);
    const s = await changeSite(pool, code, siteFields(v), actor);
    out(`updated site ${s.id}`);
  },
  async list({ pool, v, out }) {
    for (const s of await listSites(pool, v.all ? null : 'registry')) out(describe(s));
  },
});
