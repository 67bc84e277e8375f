/** The registry's statements (sites users add, their aliases, HJ 212 devices): one named function each. */
import type { Queryable } from '../db/queryable.js';
import type { DeviceRow } from '../ingest/hj212/device-queries.js';

export interface SiteWrite {
  id: string;
  kind: string;
  name_zh: string;
  name_en: string;
  district_id: string;
  area_id: string | null;
  station_level: string | null;
  latitude: number | null;
  longitude: number | null;
  note: string | null;
}

/** A site as read back: the written fields, where it came from, and its aliases. */
export interface RegistrySiteRow extends SiteWrite {
  origin: 'reference' | 'registry';
  aliases: string[];
}

export async function findSite(db: Queryable, id: string): Promise<RegistrySiteRow | null> {
  const { rows } = await db.query<RegistrySiteRow>(
    `SELECT s.id, s.kind, s.name_zh, s.name_en, s.district_id, s.area_id, s.station_level, s.latitude, s.longitude,
            s.note, s.origin,
            coalesce((SELECT array_agg(alias ORDER BY alias) FROM site_alias a WHERE a.site_id = s.id), '{}') AS aliases
       FROM site s WHERE s.id = $1`,
    [id],
  );
  return rows[0] ?? null;
}

/** A site by id, or by any of its aliases (codes such as beiyuan-s1). */
export async function resolveSiteId(db: Queryable, idOrAlias: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM site WHERE id = $1
     UNION ALL SELECT site_id FROM site_alias WHERE alias = $1 LIMIT 1`,
    [idOrAlias],
  );
  return rows[0]?.id ?? null;
}

export async function listSites(db: Queryable, origin: 'registry' | null): Promise<RegistrySiteRow[]> {
  const { rows } = await db.query<RegistrySiteRow>(
    `SELECT s.id, s.kind, s.name_zh, s.name_en, s.district_id, s.area_id, s.station_level, s.latitude, s.longitude,
            s.note, s.origin,
            coalesce((SELECT array_agg(alias ORDER BY alias) FROM site_alias a WHERE a.site_id = s.id), '{}') AS aliases
       FROM site s WHERE ($1::text IS NULL OR s.origin = $1) ORDER BY s.id`,
    [origin],
  );
  return rows;
}

/** The site columns the registry writes: the INSERT's column list and the order of $1..$10 below. */
const SITE_FIELDS = [
  'id',
  'kind',
  'name_zh',
  'name_en',
  'district_id',
  'area_id',
  'station_level',
  'latitude',
  'longitude',
  'note',
] as const satisfies readonly (keyof SiteWrite)[];

const siteValues = (s: SiteWrite): unknown[] => SITE_FIELDS.map((f) => s[f]);

export async function insertRegistrySite(db: Queryable, s: SiteWrite): Promise<void> {
  await db.query(
    `INSERT INTO site (${SITE_FIELDS.join(', ')}, origin)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'registry')`,
    siteValues(s),
  );
}

export async function updateRegistrySite(db: Queryable, s: SiteWrite): Promise<void> {
  await db.query(
    `UPDATE site SET kind = $2, name_zh = $3, name_en = $4, district_id = $5, area_id = $6, station_level = $7,
                     latitude = $8, longitude = $9, note = $10
      WHERE id = $1`,
    siteValues(s),
  );
}

/** Replaces the registry aliases of a site (aliases the reference files give are the seed's). */
export async function replaceRegistryAliases(
  db: Queryable,
  siteId: string,
  aliases: readonly string[],
): Promise<void> {
  await db.query(`DELETE FROM site_alias WHERE site_id = $1 AND origin = 'registry'`, [siteId]);
  if (aliases.length === 0) return;
  await db.query(
    `INSERT INTO site_alias (alias, site_id, origin) SELECT a, $1, 'registry' FROM unnest($2::text[]) AS a`,
    [siteId, aliases],
  );
}

export async function aliasOwners(
  db: Queryable,
  aliases: readonly string[],
): Promise<{ alias: string; site_id: string }[]> {
  const { rows } = await db.query<{ alias: string; site_id: string }>(
    `SELECT alias, site_id FROM site_alias WHERE alias = ANY ($1::text[])`,
    [aliases],
  );
  return rows;
}

/** A device as the registry writes it: the receiver's row (ingest/hj212) less what the database stamps. */
export type DeviceWrite = Omit<DeviceRow, 'updated_at'>;

const DEVICE_COLUMNS = `mn, site_id, name, password, protocol_version, crc_mode, reply_format, sm4_key, factors,
  expected_interval_seconds, time_zone, length_lenient, enabled`;

function deviceValues(d: DeviceWrite): unknown[] {
  return [
    d.mn,
    d.site_id,
    d.name,
    d.password,
    d.protocol_version,
    d.crc_mode,
    d.reply_format,
    d.sm4_key,
    JSON.stringify(d.factors),
    d.expected_interval_seconds,
    d.time_zone,
    d.length_lenient,
    d.enabled,
  ];
}

export async function insertDevice(db: Queryable, d: DeviceWrite): Promise<void> {
  await db.query(
    `INSERT INTO hj212_device (${DEVICE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13)`,
    deviceValues(d),
  );
}

export async function updateDevice(db: Queryable, d: DeviceWrite): Promise<void> {
  await db.query(
    `UPDATE hj212_device SET site_id = $2, name = $3, password = $4, protocol_version = $5, crc_mode = $6,
            reply_format = $7, sm4_key = $8, factors = $9::jsonb, expected_interval_seconds = $10, time_zone = $11,
            length_lenient = $12, enabled = $13, updated_at = clock_timestamp()
      WHERE mn = $1`,
    deviceValues(d),
  );
}

export async function findDevice(db: Queryable, mn: string): Promise<DeviceWrite | null> {
  const { rows } = await db.query<DeviceWrite>(`SELECT ${DEVICE_COLUMNS} FROM hj212_device WHERE mn = $1`, [
    mn,
  ]);
  return rows[0] ?? null;
}

export async function listRegisteredDevices(db: Queryable): Promise<DeviceWrite[]> {
  const { rows } = await db.query<DeviceWrite>(`SELECT ${DEVICE_COLUMNS} FROM hj212_device ORDER BY mn`);
  return rows;
}

export async function unknownMetricIds(db: Queryable, ids: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT i AS id FROM unnest($1::text[]) AS i WHERE NOT EXISTS (SELECT 1 FROM metric m WHERE m.id = i)`,
    [ids],
  );
  return rows.map((r) => r.id);
}
