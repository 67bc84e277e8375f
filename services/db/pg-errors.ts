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

export function isPgError(err: unknown, code: (typeof PG)[keyof typeof PG]): boolean {
  return pgErrorCode(err) === code;
}
