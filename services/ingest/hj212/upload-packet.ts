/**
 * Data uploads as a field logger builds them (shared/domain/hj212.md §2, §6.3), for simulated devices: the
 * demo's loggers, the bench, the tests. The receiver itself never builds one; it lives here, beside the
 * framing and SM4 code it mirrors, so every simulation speaks the same protocol the receiver reads.
 */
import { crcHex, hj212Crc16, modbusCrc16, type CrcVariant } from './crc.js';
import { frameSegment } from './replies.js';
import { encryptArea } from './sm4.js';

export interface UploadSpec {
  mn: string;
  pw?: string;
  cn: '2011' | '2051' | '2061' | '2031';
  flag: number;
  qn: string;
  dataTime: string;
  values: Record<string, { value: string; flag?: string }>;
  st?: string;
  rf?: boolean;
}

export function uploadSegment(u: UploadSpec): string {
  const suffix = u.cn === '2011' ? 'Rtd' : 'Avg';
  const groups = Object.entries(u.values).map(
    ([code, v]) => `${code}-${suffix}=${v.value},${code}-Flag=${v.flag ?? 'N'}`,
  );
  return (
    `QN=${u.qn};ST=${u.st ?? '22'};CN=${u.cn};PW=${u.pw ?? '123456'};MN=${u.mn};Flag=${u.flag};` +
    `${u.rf ? 'RF=1;' : ''}CP=&&DataTime=${u.dataTime};${groups.join(';')}&&`
  );
}

/** A clear upload, its CRC by the standard's App. A or (loggers that do so) CRC-16/MODBUS. */
export const upload = (u: UploadSpec, variant: CrcVariant = 'standard'): Buffer =>
  frameSegment(uploadSegment(u), variant);

/**
 * A 2025 packet with its data area SM4-encrypted, framed as the standard's App. A.2 examples are: the CRC and
 * the length field are those of the plaintext segment.
 */
export function encryptedUpload(u: UploadSpec, key: Buffer, variant: CrcVariant = 'standard'): Buffer {
  const plain = uploadSegment(u);
  const open = plain.indexOf('CP=&&') + 5;
  const close = plain.lastIndexOf('&&');
  const wireSeg = plain.slice(0, open) + encryptArea(plain.slice(open, close), key) + plain.slice(close);
  const len = String(Buffer.byteLength(plain)).padStart(4, '0');
  const bytes = Buffer.from(plain);
  const crc = variant === 'standard' ? hj212Crc16(bytes) : modbusCrc16(bytes);
  return Buffer.from(`##${len}${wireSeg}${crcHex(crc)}\r\n`);
}
