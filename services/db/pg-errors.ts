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
} as const;

export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string')
    return err.code;
  return undefined;
}

// Node socket errors and pg's own messages when the server cannot be reached or the connection was lost.
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CONNECTION_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error/i;

/**
 * PostgreSQL unreachable or the connection lost (not a statement's own failure): SQLSTATE class 08
 * (connection exception), 57P01-57P03 (shut down, cannot connect now), or a socket-level error.
 */
export function isConnectionError(err: unknown): boolean {
  const code = pgErrorCode(err);
  if (code && (code.startsWith('08') || /^57P0[123]$/.test(code) || CONNECTION_CODES.has(code))) return true;
  return err instanceof Error && CONNECTION_MESSAGES.test(err.message);
}

export function isPgError(err: unknown, code: (typeof PG)[keyof typeof PG]): boolean {
  return pgErrorCode(err) === code;
}
