/**
 * Logging in and out, and turning a request's credential (cookie or bearer token) into a principal.
 * Failed logins are counted per (account, client address): ten in a row lock that address out of that account
 * for a while, which caps guessing from one place at a few attempts per hour while the owner, logging in from
 * elsewhere, is not locked out by whoever knows the login (issue #20). A much higher account-wide count still
 * locks the account against guessing spread over many addresses.
 */
import type pg from 'pg';
import { withTransaction, type Queryable } from '../db/queryable.js';
import { UnauthorizedError } from '../errors.js';
import { writeAudit } from './audit-log.js';
import {
  endSession,
  findSessionPrincipal,
  findTokenPrincipal,
  insertSession,
  purgeOldSessions,
} from './credential-queries.js';
import { decoyPasswordHash, verifyPassword } from './password.js';
import type { Principal } from './principal.js';
import { digestSecret, generateSecret, TOKEN_PREFIX } from './secrets.js';
import { clearThrottle, isThrottled, recordThrottledFailure } from './login-throttle-queries.js';
import { lockLoginCandidate, recordLoginFailure, recordLoginSuccess } from './user-queries.js';

export interface SessionSettings {
  ttlMinutes: number;
  idleMinutes: number;
}

/** Failures in a row from one address that lock it out of the account. */
export const MAX_LOGIN_FAILURES = 10;
/** Failures in a row from all addresses together that lock the account itself. */
export const MAX_ACCOUNT_FAILURES = 100;
export const LOCK_MINUTES = 15;

export interface LoginResult {
  sessionSecret: string;
  csrfToken: string;
  expiresAt: Date;
  userId: number;
}

const BAD_LOGIN = 'wrong username or password';

export async function login(
  pool: pg.Pool,
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
  settings: SessionSettings,
): Promise<LoginResult> {
  const username = input.username.trim().toLowerCase();
  // The audit row of a failure must survive the refusal, so the outcome is decided inside the transaction
  // and the error thrown after it commits.
  const outcome = await withTransaction(pool, async (tx) => {
    const user = await lockLoginCandidate(tx, username);
    const audit = (action: string, after: object) =>
      writeAudit(
        tx,
        { id: user?.id ?? null, name: username, via: 'session', ip: input.ip },
        {
          action,
          entityType: 'app_user',
          entityId: user?.id ?? null,
          after,
        },
      );
    if (!user || !user.password_hash) {
      await verifyPassword(input.password, await decoyPasswordHash()); // same timing as a real check
      await audit('session.login_failed', { reason: 'unknown user or no password' });
      return null;
    }
    if (user.disabled || user.locked) {
      await audit('session.login_failed', { reason: user.disabled ? 'disabled' : 'locked' });
      return null;
    }
    if (await isThrottled(tx, username, input.ip)) {
      await audit('session.login_failed', { reason: 'locked for this address' });
      return null;
    }
    if (!(await verifyPassword(input.password, user.password_hash))) {
      const here = await recordThrottledFailure(tx, username, input.ip, MAX_LOGIN_FAILURES, LOCK_MINUTES);
      const account = await recordLoginFailure(tx, user.id, MAX_ACCOUNT_FAILURES, LOCK_MINUTES);
      await audit('session.login_failed', {
        reason: 'wrong password',
        locked: here.locked || account.locked,
      });
      return null;
    }
    await recordLoginSuccess(tx, user.id);
    await clearThrottle(tx, username, input.ip);
    await purgeOldSessions(tx);
    const sessionSecret = generateSecret();
    const csrfToken = generateSecret();
    const { expires_at } = await insertSession(tx, {
      idHash: digestSecret(sessionSecret),
      userId: user.id,
      csrfToken,
      ttlMinutes: settings.ttlMinutes,
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
    });
    await audit('session.login', { expiresAt: expires_at });
    return { sessionSecret, csrfToken, expiresAt: expires_at, userId: user.id };
  });
  if (!outcome) throw new UnauthorizedError(BAD_LOGIN);
  return outcome;
}

export async function logout(pool: pg.Pool, p: Principal, ip: string | null): Promise<void> {
  if (!p.sessionId) return;
  await withTransaction(pool, async (tx) => {
    if (await endSession(tx, p.sessionId!)) {
      await writeAudit(
        tx,
        { id: p.userId, name: p.username, via: 'session', ip },
        {
          action: 'session.logout',
          entityType: 'app_user',
          entityId: p.userId,
        },
      );
    }
  });
}

/** Resolves a bearer token. Unknown, revoked and expired tokens are all "not authenticated". */
export async function principalFromToken(db: Queryable, token: string): Promise<Principal> {
  const p = token.startsWith(TOKEN_PREFIX) ? await findTokenPrincipal(db, digestSecret(token)) : null;
  if (!p) throw new UnauthorizedError('invalid, expired or revoked API token');
  return p;
}

/** Resolves a session cookie; null when the session has ended or expired (the caller asks to log in). */
export function principalFromSession(
  db: Queryable,
  secret: string,
  settings: SessionSettings,
): Promise<Principal | null> {
  return findSessionPrincipal(db, digestSecret(secret), settings.idleMinutes);
}
