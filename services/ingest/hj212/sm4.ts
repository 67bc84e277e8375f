/**
 * HJ 212-2025 §6.4 / App. A.2 data-area encryption (shared/domain/hj212.md §6.3): SM4-ECB with the device's
 * 16-byte key over the whole 16-byte blocks of the text between `CP=&&` and `&&`, written as
 * `{0xE4,0x3E,…}`; the last < 16 bytes stay in clear after the `}`. No padding (not PKCS#7: a library ECB
 * mode that pads gives the wrong bytes). Node's OpenSSL 3 provides `sm4-ecb`, so no dependency is needed;
 * `assertSm4Available()` checks at receiver start.
 */
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';

const BLOCK = 16;

export class Sm4Error extends Error {}

export function assertSm4Available(): void {
  if (!getCiphers().includes('sm4-ecb')) {
    throw new Sm4Error(
      'this Node/OpenSSL build has no sm4-ecb cipher: 2025 encrypted packets cannot be read',
    );
  }
}

/** Is this data area (the text after `CP=&&`) encrypted? */
export function isEncryptedArea(area: string): boolean {
  return area.startsWith('{0x') || area.startsWith('{0X');
}

/** A key as registered: 32 hex digits, or 16 ASCII characters (the standard's test key is "0000000000000000"). */
export function parseSm4Key(text: string): Buffer {
  const t = text.trim();
  if (/^[0-9a-fA-F]{32}$/.test(t)) return Buffer.from(t, 'hex');
  if (Buffer.byteLength(t, 'utf8') === 16) return Buffer.from(t, 'utf8');
  throw new Sm4Error('an SM4 key is 32 hex digits or 16 ASCII characters');
}

/** The encrypted data area (from `{` to the end of the clear tail) → the plaintext data area. */
export function decryptArea(area: string, key: Buffer): string {
  const close = area.indexOf('}');
  if (close < 0) throw new Sm4Error('the encrypted data area has no closing }');
  const bytes = area
    .slice(1, close)
    .split(',')
    .map((h) => {
      const m = /^\s*0[xX]([0-9a-fA-F]{1,2})\s*$/.exec(h);
      if (!m) throw new Sm4Error(`"${h.slice(0, 12)}" is not a 0xNN byte`);
      return Number.parseInt(m[1]!, 16);
    });
  if (bytes.length === 0 || bytes.length % BLOCK !== 0) {
    throw new Sm4Error(`${bytes.length} encrypted bytes: not whole 16-byte blocks`);
  }
  const d = createDecipheriv('sm4-ecb', key, null);
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(bytes)), d.final()]);
  return plain.toString('utf8') + area.slice(close + 1);
}

/** The reverse, for simulated devices (tests, bench, demo). */
export function encryptArea(plain: string, key: Buffer): string {
  const bytes = Buffer.from(plain, 'utf8');
  const whole = bytes.length - (bytes.length % BLOCK);
  if (whole === 0) return plain;
  const c = createCipheriv('sm4-ecb', key, null);
  c.setAutoPadding(false);
  const ct = Buffer.concat([c.update(bytes.subarray(0, whole)), c.final()]);
  const hex = [...ct].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(',');
  return `{${hex}}${bytes.subarray(whole).toString('utf8')}`;
}
