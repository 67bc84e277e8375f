/**
 * Loads the reference set (and, separately, the contact directory) into PostgreSQL, idempotently: every row
 * in the files is upserted, every row of these tables that the files no longer hold is deleted (renamed
 * aliases especially), all in one transaction. Seeding twice leaves identical rows, and the second run reports
 * zero inserts, updates and deletes.
 *
 * Each table is written with one statement: the rows travel as one JSON parameter and are unpacked with
 * `jsonb_to_recordset`, whose column list is the table's spec below.
 */
import type pg from 'pg';
import { ConflictError } from '../errors.js';
import { isPgError, PG } from '../db/pg-errors.js';
import { withTransaction, type Queryable } from '../db/queryable.js';
import type { Contact } from './load-contacts.js';
import { namesOf, validateReferenceSet, type ReferenceSet } from './reference-schema.js';

/** A transaction needs a pool or a client (a bare Queryable can't pin BEGIN and COMMIT to one connection). */
export type SeedTarget = pg.Pool | pg.PoolClient;

interface TableSpec {
  key: readonly string[];
  /** Column name → SQL type, in insert order; the key columns included. */
  columns: Readonly<Record<string, string>>;
  /** Rows the seed may delete: sites and aliases users added (migration 0065) are not the files' to remove. */
  deletable?: string;
}

/** `spec(['id'], 'id text, sort_order int')`: column lists read like the CREATE TABLE they mirror. */
function spec(key: readonly string[], columns: string, deletable?: string): TableSpec {
  const entries = columns.split(',').map((c) => {
    const [name = '', ...type] = c.trim().split(/\s+/);
    return [name, type.join(' ')] as const;
  });
  return { key, columns: Object.fromEntries(entries), deletable };
}

const REFERENCE_ORIGIN = "t.origin = 'reference'";

const REFERENCE_TABLES = {
  district: spec(['id'], 'id text, name_zh text, name_en text, sort_order int'),
  area: spec(
    ['id'],
    `id text, district_id text, name_zh text, short_zh text, name_en text, kind text, valid_from date,
     valid_to date, sort_order int`,
  ),
  area_alias: spec(['alias'], 'alias text, area_id text'),
  metric: spec(
    ['id'],
    `id text, name_zh text, name_en text, unit text, unit_zh text, resolution text, domain text, better text,
     decimals int, unit_conversions jsonb, plausible_min double precision, plausible_max double precision`,
  ),
  site: spec(
    ['id'],
    `id text, kind text, name_zh text, name_en text, district_id text, area_id text, station_level text,
     river_zh text, river_en text, section_kinds text[], waterbody text, is_example boolean, note text,
     latitude double precision, longitude double precision, valid_from date, valid_to date`,
    REFERENCE_ORIGIN,
  ),
  site_alias: spec(['alias'], 'alias text, site_id text', REFERENCE_ORIGIN),
  site_water_target: spec(
    ['site_id', 'year'],
    'site_id text, year int, target_class smallint, overrides jsonb, source text',
  ),
  unit: spec(
    ['id'],
    'id text, name_zh text, name_en text, kind text, district_id text, area_id text, expands_to text, members text[]',
  ),
  unit_alias: spec(['alias'], 'alias text, unit_id text'),
  official: spec(
    ['id'],
    'id text, name_zh text, name_en text, role_zh text, role_en text, years int[], source text',
  ),
};

const CONTACT_TABLE = spec(
  ['id'],
  `id text, name_zh text, name_en text, unit_id text, official_id text, role text, email text, mobile text,
   locale text, quiet_from time, quiet_to time, year_from int, year_to int, is_district_leadership boolean`,
);

export type ReferenceTable = keyof typeof REFERENCE_TABLES;
export interface TableCounts {
  inserted: number;
  updated: number;
  deleted: number;
}
export type SeedCounts = Record<ReferenceTable, TableCounts>;

/** Parents before children for upserts; the reverse for deletes. */
const ORDER = Object.keys(REFERENCE_TABLES) as ReferenceTable[];

/**
 * Every table the seed writes: the reference tables above, the contacts, the plans' targets and tasks.
 * Analysed when a seed ends (analyzeSeeded): autovacuum never analyses a table that got fewer than 50 rows
 * (5 plans, 26 areas), and may be off, so the planner guessed at them — "1 area", "350 plans" — and the
 * owed-tasks query behind every task reminder and 调度 report took 355 ms on a nested loop of 49,362 rows
 * where with statistics it takes 26 ms (measured on the demo database).
 */
const SEEDED_TABLES = [...ORDER, 'contact', 'plan', 'target', 'task', 'task_unit'] as const;

export async function analyzeSeeded(db: SeedTarget): Promise<void> {
  await db.query(`ANALYZE ${SEEDED_TABLES.join(', ')}`);
}

export async function seedReference(db: SeedTarget, set: ReferenceSet): Promise<SeedCounts> {
  validateReferenceSet(set); // a set built in code gets the same checks as one read from files
  const rows = referenceRows(set);
  return withTransaction(db, async (tx) => {
    // Two seeds at once would each delete the other's fresh rows; serialise them.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('envwatch:seed-reference'))`);
    const counts = {} as SeedCounts;
    for (const table of ORDER) {
      counts[table] = { ...(await upsertRows(tx, table, REFERENCE_TABLES[table], rows[table])), deleted: 0 };
    }
    for (const table of [...ORDER].reverse()) {
      counts[table].deleted = await deleteStaleRows(tx, table, REFERENCE_TABLES[table], rows[table]);
    }
    return counts;
  });
}

/**
 * Upserts the contact directory and deletes contacts no longer in it. An empty list changes nothing: a missing
 * contact file is far likelier a deployment slip than an order to stop telling anyone anything.
 */
export async function seedContacts(db: SeedTarget, contacts: readonly Contact[]): Promise<TableCounts> {
  if (contacts.length === 0) return { inserted: 0, updated: 0, deleted: 0 };
  return withTransaction(db, async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('envwatch:seed-contacts'))`);
    const written = await upsertRows(tx, 'contact', CONTACT_TABLE, contacts);
    const deleted = await deleteStaleRows(tx, 'contact', CONTACT_TABLE, contacts);
    return { ...written, deleted };
  });
}

function referenceRows(set: ReferenceSet): Record<ReferenceTable, readonly object[]> {
  return {
    district: set.districts,
    area: set.areas,
    area_alias: set.areas.flatMap((a) => namesOf(a).map((alias) => ({ alias, area_id: a.id }))),
    metric: set.metrics,
    site: set.sites,
    site_alias: set.sites.flatMap((s) => namesOf(s).map((alias) => ({ alias, site_id: s.id }))),
    site_water_target: set.sites.flatMap((s) => s.water_targets.map((t) => ({ site_id: s.id, ...t }))),
    unit: set.units,
    unit_alias: set.units.flatMap((u) => namesOf(u).map((alias) => ({ alias, unit_id: u.id }))),
    official: set.officials,
  };
}

/** `table` and the column names come from the specs above, never from input. */
async function upsertRows(
  db: Queryable,
  table: string,
  spec: TableSpec,
  rows: readonly object[],
): Promise<Omit<TableCounts, 'deleted'>> {
  const columns = Object.keys(spec.columns);
  const definitions = columns.map((c) => `${c} ${spec.columns[c]}`).join(', ');
  const updatable = columns.filter((c) => !spec.key.includes(c));
  // Rows that are already identical are not rewritten, so a re-seed reports (and writes) nothing.
  const { rows: result } = await db.query<{ inserted: boolean }>(
    `INSERT INTO ${table} (${columns.join(', ')})
     SELECT ${columns.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${definitions})
     ON CONFLICT (${spec.key.join(', ')}) DO UPDATE
       SET ${updatable.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
       WHERE (${updatable.map((c) => `${table}.${c}`).join(', ')})
             IS DISTINCT FROM (${updatable.map((c) => `EXCLUDED.${c}`).join(', ')})
     RETURNING (xmax = 0) AS inserted`,
    [JSON.stringify(rows)],
  );
  const inserted = result.filter((r) => r.inserted).length;
  return { inserted, updated: result.length - inserted };
}

async function deleteStaleRows(
  db: Queryable,
  table: string,
  spec: TableSpec,
  rows: readonly object[],
): Promise<number> {
  const keyDefinitions = spec.key.map((c) => `${c} ${spec.columns[c]}`).join(', ');
  const keyMatch = spec.key.map((c) => `r.${c} = t.${c}`).join(' AND ');
  try {
    const result = await db.query(
      `DELETE FROM ${table} t
        WHERE NOT EXISTS (SELECT 1 FROM jsonb_to_recordset($1::jsonb) AS r(${keyDefinitions}) WHERE ${keyMatch})
          ${spec.deletable ? `AND ${spec.deletable}` : ''}`,
      [JSON.stringify(rows)],
    );
    return result.rowCount ?? 0;
  } catch (err) {
    // Measurements, targets or contacts still point at a row the files dropped: refuse rather than cascade.
    if (isPgError(err, PG.FOREIGN_KEY_VIOLATION)) {
      const detail = (err as { detail?: string }).detail ?? '';
      throw new ConflictError(`cannot remove ${table} rows that are no longer in the files: ${detail}`, {
        cause: err,
      });
    }
    throw err;
  }
}
