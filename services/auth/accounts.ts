/**
 * Account verbs: add and change users, issue and revoke API tokens. Each change and its audit row are
 * written in one transaction. Shared by the HTTP API (admins) and `envwatch user` (operators at the console).
 */
import type pg from 'pg';
import { z } from 'zod';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { writeAudit, type Actor } from './audit-log.js';
import { findToken, insertToken, revokeToken, type TokenRow } from './credential-queries.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './password.js';
import { ROLES, type Role } from './principal.js';
import { digestSecret, displayPrefix, generateApiToken } from './secrets.js';
import { findUserById, insertUser, updateUser, type UserPatch, type UserRow } from './user-queries.js';

export const usernameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_.-]{1,62}$/, '2–63 characters: lower-case letters, digits, _ . -');

export const newUserSchema = z.object({
  username: usernameSchema,
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES),
  areaId: z.string().min(1).nullish(),
  unitId: z.string().min(1).nullish(),
  /** A bureau's districts (migration 0100); omitted or empty = every district. */
  districtIds: z.array(z.string().min(1)).default([]),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(200).optional(),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export type NewUserInput = z.input<typeof newUserSchema>;

async function assertAreaForRole(
  db: Queryable,
  role: Role | undefined,
  areaId: string | null | undefined,
): Promise<void> {
  if (role === 'area' && !areaId)
    throw new ValidationError('a street/town account needs an area (--area <id>)');
  if (role !== undefined && role !== 'area' && areaId) {
    throw new ValidationError(`only street/town accounts have an area; a ${role} account reads every area`);
  }
  if (areaId) {
    const { rowCount } = await db.query('SELECT 1 FROM area WHERE id = $1', [areaId]);
    if (!rowCount) throw new ValidationError(`unknown area: ${areaId}`);
  }
}

/** The unit role reports one unit's task progress (issue 16): it needs a known unit, and only it has one. */
async function assertUnitForRole(
  db: Queryable,
  role: Role,
  unitId: string | null | undefined,
): Promise<void> {
  if (role === 'unit' && !unitId) throw new ValidationError('a unit account needs a unit (--unit <id>)');
  if (role !== 'unit' && unitId)
    throw new ValidationError(`only unit accounts have a unit, not a ${role} account`);
  if (unitId) {
    const { rowCount } = await db.query(`SELECT 1 FROM unit WHERE id = $1 AND kind <> 'collective'`, [
      unitId,
    ]);
    if (!rowCount)
      throw new ValidationError(`unknown unit (or a collective, which has no account): ${unitId}`);
  }
}

/** Only a bureau has a district scope, and only districts that exist. */
async function assertDistrictsForRole(
  db: Queryable,
  role: Role,
  districtIds: readonly string[],
): Promise<void> {
  if (districtIds.length === 0) return;
  if (role !== 'bureau')
    throw new ValidationError(`only bureau accounts are scoped to districts, not a ${role} account`);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM district WHERE id = ANY($1)', [
    districtIds,
  ]);
  const unknown = districtIds.filter((d) => !rows.some((r) => r.id === d));
  if (unknown.length > 0) throw new ValidationError(`unknown district: ${unknown.join(', ')}`);
}

/** Audit rows describe a user without its password hash. */
function auditView(u: UserRow) {
  return {
    username: u.username,
    displayName: u.display_name,
    role: u.role,
    areaId: u.area_id,
    unitId: u.unit_id,
    districtIds: u.district_ids,
    locale: u.locale,
    disabled: u.disabled_at !== null,
  };
}

/** Adds a user; without a password one is generated and returned (shown once). */
export async function addUser(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  input: NewUserInput,
): Promise<{ user: UserRow; generatedPassword: string | null }> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError(`invalid user: ${z.prettifyError(parsed.error)}`);
  const u = parsed.data;
  const generatedPassword = u.password ? null : generatePassword();
  const passwordHash = await hashPassword(u.password ?? generatedPassword!);
  return withTransaction(pool, async (tx) => {
    await assertAreaForRole(tx, u.role, u.areaId);
    await assertUnitForRole(tx, u.role, u.unitId);
    await assertDistrictsForRole(tx, u.role, u.districtIds);
    const user = await insertUser(tx, {
      username: u.username,
      displayName: u.displayName ?? u.username,
      role: u.role,
      areaId: u.areaId ?? null,
      unitId: u.unitId ?? null,
      districtIds: u.districtIds,
      passwordHash,
      locale: u.locale,
    });
    if (!user) throw new ConflictError(`user ${u.username} already exists`);
    await writeAudit(tx, actor, {
      action: 'user.create',
      entityType: 'app_user',
      entityId: user.id,
      after: auditView(user),
    });
    return { user, generatedPassword };
  });
}

export const userPatchSchema = z.object({
  displayName: z.string().trim().min(1).max(100).optional(),
  role: z.enum(ROLES).optional(),
  areaId: z.string().min(1).nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
  disabled: z.boolean().optional(),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(200).optional(),
  /** A bureau's districts, replacing the ones it had; [] = every district (issue 17 item 8). */
  districtIds: z.array(z.string().min(1)).max(50).optional(),
});
export type UserPatchInput = z.infer<typeof userPatchSchema>;

export async function changeUser(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  id: number,
  input: UserPatchInput,
): Promise<UserRow> {
  const patch: UserPatch = {
    ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
    ...(input.role !== undefined ? { role: input.role } : {}),
    ...(input.areaId !== undefined ? { areaId: input.areaId } : {}),
    ...(input.locale !== undefined ? { locale: input.locale } : {}),
    ...(input.disabled !== undefined ? { disabled: input.disabled } : {}),
    ...(input.password !== undefined ? { passwordHash: await hashPassword(input.password) } : {}),
    ...(input.districtIds !== undefined ? { districtIds: [...new Set(input.districtIds)] } : {}),
  };
  return withTransaction(pool, async (tx) => {
    const before = await findUserById(tx, id);
    if (!before) throw new NotFoundError(`no user ${id}`);
    const role = patch.role ?? before.role;
    // A unit account's unit is set when it is created; moving an account into or out of the role means a new one.
    if ((role === 'unit') !== (before.role === 'unit'))
      throw new ValidationError(
        'an account cannot be moved into or out of the unit role: add a unit account',
      );
    // Moving a user off the area role clears its area; the table's CHECK would refuse the mix otherwise.
    if (role !== 'area' && patch.areaId === undefined && before.area_id !== null) patch.areaId = null;
    await assertAreaForRole(tx, role, patch.areaId === undefined ? before.area_id : patch.areaId);
    // Likewise a bureau moved to another role loses its district scope (CHECK of migration 0100).
    if (role !== 'bureau' && patch.districtIds === undefined && before.district_ids.length > 0)
      patch.districtIds = [];
    await assertDistrictsForRole(tx, role, patch.districtIds ?? before.district_ids);
    const after = await updateUser(tx, id, patch);
    if (!after) throw new NotFoundError(`no user ${id}`);
    await writeAudit(tx, actor, {
      action: input.password !== undefined ? 'user.update+password' : 'user.update',
      entityType: 'app_user',
      entityId: id,
      before: auditView(before),
      after: auditView(after),
    });
    return after;
  });
}

export async function issueToken(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  t: { userId: number; name: string; readOnly: boolean; expiresInDays: number | null },
): Promise<{ token: string; row: TokenRow }> {
  const token = generateApiToken();
  return withTransaction(pool, async (tx) => {
    const user = await findUserById(tx, t.userId);
    if (!user) throw new NotFoundError(`no user ${t.userId}`);
    const row = await insertToken(tx, { ...t, hash: digestSecret(token), prefix: displayPrefix(token) });
    await writeAudit(tx, actor, {
      action: 'token.create',
      entityType: 'api_token',
      entityId: row.id,
      after: {
        userId: t.userId,
        name: t.name,
        prefix: row.token_prefix,
        readOnly: t.readOnly,
        expiresAt: row.expires_at,
      },
    });
    return { token, row };
  });
}

export async function revokeApiToken(
  pool: pg.Pool | pg.PoolClient,
  actor: Actor,
  id: number,
): Promise<TokenRow> {
  return withTransaction(pool, async (tx) => {
    const before = await findToken(tx, id);
    if (!before) throw new NotFoundError(`no token ${id}`);
    const after = await revokeToken(tx, id);
    await writeAudit(tx, actor, {
      action: 'token.revoke',
      entityType: 'api_token',
      entityId: id,
      before: { revokedAt: before.revoked_at },
      after: { revokedAt: after!.revoked_at },
    });
    return after!;
  });
}
