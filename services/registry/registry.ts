/**
 * Registering sites and HJ 212 devices (issue 18 item 2), for the CLI and the admin API alike: input checked
 * (zod, then against the database: district, site, metrics, alias owners), written and audited in one
 * transaction. Secrets (the device password and SM4 key) never enter the audit log.
 */
import type pg from 'pg';
import { writeAudit, type Actor } from '../auth/audit-log.js';
import { isPgError, PG } from '../db/pg-errors.js';
import { withTransaction } from '../db/queryable.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import {
  aliasOwners,
  findDevice,
  findSite,
  insertDevice,
  insertRegistrySite,
  replaceRegistryAliases,
  resolveSiteId,
  unknownMetricIds,
  updateDevice,
  updateRegistrySite,
  type DeviceWrite,
  type SiteWrite,
} from './registry-queries.js';
import {
  deviceInput,
  deviceUpdate,
  siteIdOf,
  siteInput,
  siteUpdate,
  type DeviceInput,
  type SiteInput,
} from './registry-schemas.js';

function parse<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  input: unknown,
  what: string,
): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const details = r.error.issues.map((i) => ({ path: i.path.join('.'), reason: i.message }));
  throw new ValidationError(
    `${what}: ${details.map((d) => `${d.path || '(input)'}: ${d.reason}`).join('; ')}`,
    details,
  );
}

async function translateFk<T>(fn: () => Promise<T>, what: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (isPgError(err, PG.FOREIGN_KEY_VIOLATION)) {
      const detail = (err as { detail?: string }).detail ?? '';
      throw new ValidationError(`${what}: ${detail || 'refers to something that does not exist'}`, [], {
        cause: err,
      });
    }
    if (isPgError(err, PG.UNIQUE_VIOLATION))
      throw new ConflictError(`${what}: already registered`, { cause: err });
    throw err;
  }
}

function siteWrite(id: string, s: Omit<SiteInput, 'code'>): SiteWrite {
  return {
    id,
    kind: s.kind,
    name_zh: s.name_zh,
    name_en: s.name_en ?? s.name_zh,
    district_id: s.district_id,
    area_id: s.area_id ?? null,
    station_level: s.station_level ?? null,
    latitude: s.latitude ?? null,
    longitude: s.longitude ?? null,
    note: s.note ?? null,
  };
}

async function assertAliasesFree(
  tx: pg.PoolClient,
  siteId: string,
  aliases: readonly string[],
): Promise<void> {
  const taken = (await aliasOwners(tx, aliases)).filter((a) => a.site_id !== siteId);
  if (taken.length > 0) {
    throw new ConflictError(
      `aliases already name other sites: ${taken.map((t) => `${t.alias} → ${t.site_id}`).join(', ')}`,
    );
  }
}

export async function addSite(
  pool: pg.Pool,
  raw: unknown,
  actor: Actor,
): Promise<SiteWrite & { aliases: string[] }> {
  const input = parse(siteInput, raw, 'site');
  const id = siteIdOf(input.code);
  const aliases = [...new Set([...(id !== input.code ? [input.code] : []), ...input.aliases])];
  return withTransaction(pool, async (tx) => {
    if (await findSite(tx, id)) throw new ConflictError(`site ${id} already exists`);
    await assertAliasesFree(tx, id, aliases);
    const row = siteWrite(id, input);
    await translateFk(() => insertRegistrySite(tx, row), `site ${id}`);
    await replaceRegistryAliases(tx, id, aliases);
    await writeAudit(tx, actor, {
      action: 'site.add',
      entityType: 'site',
      entityId: id,
      after: { ...row, aliases },
    });
    return { ...row, aliases };
  });
}

export async function changeSite(
  pool: pg.Pool,
  code: string,
  raw: unknown,
  actor: Actor,
): Promise<SiteWrite> {
  const patch = parse(siteUpdate, raw, 'site');
  return withTransaction(pool, async (tx) => {
    const id = (await resolveSiteId(tx, code.trim().toLowerCase())) ?? siteIdOf(code.trim().toLowerCase());
    const before = await findSite(tx, id);
    if (!before) throw new NotFoundError(`no site ${code}`);
    if (before.origin !== 'registry') {
      throw new ConflictError(`site ${id} comes from the reference files (config/reference): edit it there`);
    }
    const row = siteWrite(id, { ...before, kind: before.kind as SiteInput['kind'], ...patch } as Omit<
      SiteInput,
      'code'
    >);
    await translateFk(() => updateRegistrySite(tx, row), `site ${id}`);
    if (patch.aliases) {
      const keep = before.aliases.filter((a) => siteIdOf(a) === id && a !== id);
      const aliases = [...new Set([...keep, ...patch.aliases])];
      await assertAliasesFree(tx, id, aliases);
      await replaceRegistryAliases(tx, id, aliases);
    }
    await writeAudit(tx, actor, {
      action: 'site.update',
      entityType: 'site',
      entityId: id,
      before,
      after: patch,
    });
    return row;
  });
}

/** The device without its secrets, as audited and listed. */
export function publicDevice(
  d: DeviceWrite,
): Omit<DeviceWrite, 'password' | 'sm4_key'> & { sm4_key_set: boolean } {
  const { password: _password, sm4_key, ...rest } = d;
  return { ...rest, sm4_key_set: sm4_key !== null };
}

async function checkDeviceRefs(tx: pg.PoolClient, d: Pick<DeviceInput, 'site' | 'factors'>): Promise<string> {
  const siteId =
    (await resolveSiteId(tx, d.site)) ?? (await resolveSiteId(tx, siteIdOf(d.site.toLowerCase())));
  if (!siteId) throw new NotFoundError(`no site ${d.site} (envwatch site list)`);
  const unknown = await unknownMetricIds(
    tx,
    Object.values(d.factors).map((f) => f.metric),
  );
  if (unknown.length > 0) {
    throw new ValidationError(`factors name metrics envwatch does not know: ${unknown.join(', ')}`, [
      { path: 'factors', reason: `unknown metric ${unknown.join(', ')}` },
    ]);
  }
  return siteId;
}

export async function addDevice(pool: pg.Pool, raw: unknown, actor: Actor): Promise<DeviceWrite> {
  const input = parse(deviceInput, raw, 'device');
  return withTransaction(pool, async (tx) => {
    if (await findDevice(tx, input.mn)) throw new ConflictError(`device ${input.mn} already exists`);
    const siteId = await checkDeviceRefs(tx, input);
    const { site: _site, ...rest } = input;
    const row: DeviceWrite = {
      ...rest,
      site_id: siteId,
      name: input.name ?? null,
      sm4_key: input.sm4_key ?? null,
    };
    if (row.protocol_version !== '2025' && row.sm4_key) {
      throw new ValidationError('an SM4 key is for HJ 212-2025 devices', [
        { path: 'sm4_key', reason: 'not 2025' },
      ]);
    }
    await translateFk(() => insertDevice(tx, row), `device ${input.mn}`);
    await writeAudit(tx, actor, {
      action: 'device.add',
      entityType: 'hj212_device',
      entityId: row.mn,
      after: publicDevice(row),
    });
    return row;
  });
}

export async function changeDevice(
  pool: pg.Pool,
  mn: string,
  raw: unknown,
  actor: Actor,
): Promise<DeviceWrite> {
  const patch = parse(deviceUpdate, raw, 'device');
  return withTransaction(pool, async (tx) => {
    const before = await findDevice(tx, mn);
    if (!before) throw new NotFoundError(`no device ${mn}`);
    const siteId = await checkDeviceRefs(tx, {
      site: patch.site ?? before.site_id,
      factors: patch.factors ?? {},
    });
    const { site: _site, ...rest } = patch;
    const row: DeviceWrite = { ...before, ...rest, site_id: siteId } as DeviceWrite;
    await updateDevice(tx, row);
    await writeAudit(tx, actor, {
      action: 'device.update',
      entityType: 'hj212_device',
      entityId: mn,
      before: publicDevice(before),
      after: publicDevice(row),
    });
    return row;
  });
}
