/**
 * What the platform sends back (shared/domain/hj212.md §4.1, §4.2, §4.6): 9014 data acknowledgement, 9013
 * notification acknowledgement and 9011 request answer (QnRtn), echoing QN, PW and MN with ST=91 and the
 * Flag's version bits (4 for 2017, 8 for 2025). 2005 loggers that ask for a reply expect the 2005 form, with the QN and CN inside CP and no
 * PW/MN: a per-device setting. The reply's CRC uses the variant the device's packet used, so a logger
 * computing CRC-16/MODBUS can check it.
 */
import { crcHex, hj212Crc16, modbusCrc16, type CrcVariant } from './crc.js';
import type { PacketHeader } from './packet.js';
import { replyFlag, type ProtocolVersion } from './versions.js';

export const REPLY_FORMATS = ['standard', '2005'] as const;
export type ReplyFormat = (typeof REPLY_FORMATS)[number];

/** `##LLLL<segment>CCCC\r\n`, the length in UTF-8 bytes. */
export function frameSegment(segment: string, variant: CrcVariant = 'standard'): Buffer {
  const bytes = Buffer.from(segment, 'utf8');
  if (bytes.length > 9999) throw new RangeError(`a data segment of ${bytes.length} bytes cannot be framed`);
  const crc = variant === 'standard' ? hj212Crc16(bytes) : modbusCrc16(bytes);
  return Buffer.concat([
    Buffer.from(`##${String(bytes.length).padStart(4, '0')}`, 'latin1'),
    bytes,
    Buffer.from(`${crcHex(crc)}\r\n`, 'latin1'),
  ]);
}

export interface ReplyInput {
  header: PacketHeader;
  version: ProtocolVersion;
  format: ReplyFormat;
  variant: CrcVariant;
}

/** `cp`: the reply's own data area (9011's QnRtn); 2005 puts the echoed QN in front of it. */
function build(cn: '9011' | '9013' | '9014', r: ReplyInput, cp = ''): Buffer {
  const h = r.header;
  if (r.format === '2005' || r.version === '2005') {
    const inner =
      cn === '9014' ? `QN=${h.qn ?? ''};CN=${h.cn}` : [`QN=${h.qn ?? ''}`, cp].filter(Boolean).join(';');
    const who = cn === '9014' ? '' : `PW=${h.pw ?? ''};MN=${h.mn};`;
    // The 2005 examples carry Flag=0 on 9011 and none on 9013/9014 (hj212.md §4.6).
    const flag = cn === '9011' ? 'Flag=0;' : '';
    return frameSegment(`ST=91;CN=${cn};${who}${flag}CP=&&${inner}&&`, r.variant);
  }
  const seg = `QN=${h.qn ?? ''};ST=91;CN=${cn};PW=${h.pw ?? ''};MN=${h.mn};Flag=${replyFlag(r.version)};CP=&&${cp}&&`;
  return frameSegment(seg, r.variant);
}

export const dataAck = (r: ReplyInput): Buffer => build('9014', r);
export const notificationAck = (r: ReplyInput): Buffer => build('9013', r);

/** QnRtn codes of a 9011 (HJ 212-2017 Table 6; hj212.md §4.2). */
export const QN_RTN = { ready: 1, rejected: 2 } as const;

/** 9011, the answer to a request: QnRtn=1 "ready to execute", 2 "request rejected", … */
export const requestAck = (r: ReplyInput, qnRtn: number): Buffer => build('9011', r, `QnRtn=${qnRtn}`);
