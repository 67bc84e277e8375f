/** Building packets for simulated devices (tests, and the same shapes the bench sends). */
import { crcHex, hj212Crc16 } from '../../services/ingest/hj212/crc.js';
import { frameSegment } from '../../services/ingest/hj212/replies.js';
import { encryptArea } from '../../services/ingest/hj212/sm4.js';

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

export const upload = (u: UploadSpec): Buffer => frameSegment(uploadSegment(u));

/**
 * A 2025 packet with its data area SM4-encrypted, framed as the standard's App. A.2 examples are: the CRC and
 * the length field are those of the plaintext segment.
 */
export function encryptedUpload(u: UploadSpec, key: Buffer): Buffer {
  const plain = uploadSegment(u);
  const open = plain.indexOf('CP=&&') + 5;
  const close = plain.lastIndexOf('&&');
  const wireSeg = plain.slice(0, open) + encryptArea(plain.slice(open, close), key) + plain.slice(close);
  const len = String(Buffer.byteLength(plain)).padStart(4, '0');
  return Buffer.from(`##${len}${wireSeg}${crcHex(hj212Crc16(Buffer.from(plain)))}\r\n`);
}
