/** Failed logins per (account, client address): one named function per statement (migration 0105). */
import type { Queryable } from '../db/queryable.js';

/** Whether this address is locked out of this account now. */
export async function isThrottled(db: Queryable, username: string, ip: string | null): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>(
    `SELECT coalesce(locked_until > now(), false) AS locked FROM login_throttle WHERE username = $1 AND ip = $2`,
    [username, ip ?? ''],
  );
  return rows[0]?.locked ?? false;
}

/** Counts a failure from this address; the `maxFailures`-th in a row locks it out for `lockMinutes`. */
export async function recordThrottledFailure(
  db: Queryable,
  username: string,
  ip: string | null,
  maxFailures: number,
  lockMinutes: number,
): Promise<{ locked: boolean }> {
  const { rows } = await db.query<{ locked: boolean }>(
    `INSERT INTO login_throttle AS t (username, ip, failures) VALUES ($1, $2, 1)
     ON CONFLICT (username, ip) DO UPDATE
        SET failures = CASE WHEN t.failures + 1 >= $3 THEN 0 ELSE t.failures + 1 END,
            locked_until = CASE WHEN t.failures + 1 >= $3 THEN now() + make_interval(mins => $4) ELSE t.locked_until END,
            updated_at = now()
     RETURNING coalesce(locked_until > now(), false) AS locked`,
    [username, ip ?? '', maxFailures, lockMinutes],
  );
  return rows[0]!;
}

/** A successful login from this address forgets its failures; rows untouched for a day are dropped. */
export async function clearThrottle(db: Queryable, username: string, ip: string | null): Promise<void> {
  await db.query(
    `DELETE FROM login_throttle WHERE (username = $1 AND ip = $2) OR updated_at < now() - interval '1 day'`,
    [username, ip ?? ''],
  );
}
