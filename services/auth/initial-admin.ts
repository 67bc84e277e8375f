/**
 * The demo / first-boot administrator: when INITIAL_ADMIN_USERNAME and INITIAL_ADMIN_PASSWORD are set and no
 * user of that name exists, the API creates it at start. It is never updated afterwards, so changing the
 * password in the dashboard is not undone by the next restart. Production installs use
 * `envwatch user add --username admin --role admin` instead, which prints a generated password.
 */
import type pg from 'pg';
import { ConflictError } from '../errors.js';
import { addUser } from './accounts.js';
import { SYSTEM_ACTOR } from './audit-log.js';
import { findUserByUsername } from './user-queries.js';

export async function ensureInitialAdmin(
  pool: pg.Pool,
  opts: { username: string | undefined; password: string | undefined },
): Promise<'created' | 'exists' | 'not configured'> {
  if (!opts.username || !opts.password) return 'not configured';
  if (await findUserByUsername(pool, opts.username.toLowerCase())) return 'exists';
  try {
    await addUser(pool, SYSTEM_ACTOR, {
      username: opts.username,
      role: 'admin',
      password: opts.password,
      displayName: 'Administrator',
    });
    return 'created';
  } catch (err) {
    // Two API replicas starting together: the other one created it first.
    if (err instanceof ConflictError) return 'exists';
    throw err;
  }
}
