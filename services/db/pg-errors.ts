/** PostgreSQL SQLSTATE codes the code branches on, by name (never "any insert error means it exists"). */
export const PG = {
  UNIQUE_VIOLATION: '23505',
  FOREIGN_KEY_VIOLATION: '23503',
  CHECK_VIOLATION: '23514',
  NOT_NULL_VIOLATION: '23502',
  SERIALIZATION_FAILURE: '40001',
  DEADLOCK_DETECTED: '40P01',
  DUPLICATE_TABLE: '42P07',
  DUPLICATE_OBJECT: '42710',
  UNDEFINED_TABLE: '42P01',
  INVALID_CATALOG_NAME: '3D000',
  CANNOT_CONNECT_NOW: '57P03',
  TOO_MANY_CONNECTIONS: '53300',
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}

// Node socket errors when the server cannot be reached or the connection was lost.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
// pg's own messages for a connection lost or never made. pg-pool's "Connection terminated due to connection
// timeout" and a lone Client's "timeout expired" are a NEW connection the server did not complete in time
// (down or silent): unreachable.
const CONNECTION_MESSAGES =
  /Connection terminated|connection timeout|Client has encountered a connection error|^timeout expired$/i;
// pg-pool's message when no connection of the pool came free within connectionTimeoutMillis: every one is
// checked out by other work. Nothing was asked of the server, so it says "busy", not "down" (pg-pool 3.x:
// the same timeout on a new connection has the message above instead).
const POOL_WAIT_TIMEOUT = /^timeout exceeded when trying to connect$/i;

/** Why PostgreSQL could not serve a request, when that is the reason a request failed. */
export type DatabaseOutage = 'unreachable' | 'busy';

/**
 * `unreachable`: the server cannot be reached or the connection was lost — SQLSTATE class 08 (connection
 * exception), 57P01-57P03 (shut down, cannot connect now), a socket error. `busy`: the server is up but has no
 * connection for us — the pool's wait for a free connection timed out, or the server refused a new one at its
 * limit (53300 too_many_connections). Null: a statement's own failure (57014 statement timeout included: it is
 * the statement, not the database, and stays a 500). Follows `cause` (a wrapped driver error) a few levels.
 */
export function databaseOutage(err: unknown): DatabaseOutage | null {
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = pgErrorCode(e);
    if (code === PG.TOO_MANY_CONNECTIONS) return 'busy';
    if (code && (code.startsWith('08') || /^57P0[123]$/.test(code) || CONNECTION_CODES.has(code)))
      return 'unreachable';
    if (e instanceof Error && POOL_WAIT_TIMEOUT.test(e.message)) return 'busy';
    if (e instanceof Error && CONNECTION_MESSAGES.test(e.message)) return 'unreachable';
  }
  return null;
}

export function isPgError(err: unknown, code: (typeof PG)[keyof typeof PG]): boolean {
  return pgErrorCode(err) === code;
}
