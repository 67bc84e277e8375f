/**
 * Bearer secrets (API tokens, session cookies): 32 random bytes, stored only as their SHA-256 digest. A
 * digest is enough for secrets with 256 bits of entropy (no dictionary to attack), and it lets a lookup use
 * the primary key instead of comparing a slow hash row by row.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API tokens start with `ewt_` so a leaked one is recognisable by secret scanners and in support tickets. */
export const TOKEN_PREFIX = 'ewt_';

export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function generateApiToken(): string {
  return `${TOKEN_PREFIX}${generateSecret()}`;
}

export function digestSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** What lists show of a token: its prefix and the first characters of the secret. */
export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}

/** Constant-time comparison of two secrets (CSRF tokens, the metrics token). */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
