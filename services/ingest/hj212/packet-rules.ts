/**
 * Judging one framed packet against the device registry and the rules of its edition
 * (shared/domain/hj212.md §7.2, §8): what to store, what to answer, or why it is refused. Refusals are never
 * acknowledged, so the logger re-sends; the raw packet is kept with the reason (commit-rounds.ts).
 *
 * Order matters: the CRC is checked on the plaintext (2025 encrypts after computing it), so an encrypted
 * packet needs its device's key first; a clear packet with a bad CRC is "bad CRC" even from an unknown MN.
 */
import { crcAllowed, crcHex, hj212Crc16, matchCrc, modbusCrc16, type CrcVariant } from './crc.js';
import type { Device } from './device-cache.js';
import type { Frame } from './framing.js';
import { parseSegment, PacketFormatError, type PacketHeader } from './packet.js';
import { dataAck, notificationAck, QN_RTN, requestAck } from './replies.js';
import { decryptArea, isEncryptedArea, Sm4Error } from './sm4.js';
import {
  isDataCommand,
  isNotification,
  isPlatformRequest,
  readFlag,
  VERSION_RULES,
  type DataCommand,
  type ProtocolVersion,
} from './versions.js';
import type { RefusalCode } from '../refusal-reasons.js';

export interface PacketRefusal {
  kind: 'refused';
  code: RefusalCode;
  detail: string;
  mn: string | null;
  /** The CRC variant the packet matched, when it matched one (counted even on a refusal). */
  variant: CrcVariant | null;
}

interface Accepted {
  device: Device;
  header: PacketHeader;
  version: ProtocolVersion;
  variant: CrcVariant;
  encrypted: boolean;
  /** Non-fatal oddities worth a log line (char-counted length, split flag without numbers). */
  notes: string[];
}

export type Judgement =
  | PacketRefusal
  /** A data upload: store the data area, then send `ack` (if any) once the rows are committed. */
  | (Accepted & { kind: 'data'; cn: DataCommand; area: string; ack: Buffer | null })
  /** Anything else from a known device: answered (9013 / 9014) at once or not at all, nothing stored. */
  | (Accepted & { kind: 'other'; reply: Buffer | null });

const refuse = (
  code: RefusalCode,
  detail: string,
  mn: string | null,
  variant: CrcVariant | null = null,
): PacketRefusal => ({ kind: 'refused', code, detail, mn, variant });

function crcDetail(seg: Buffer, given: string): string {
  return `CRC ${given}; HJ 212 App. A gives ${crcHex(hj212Crc16(seg))}, CRC-16/MODBUS ${crcHex(modbusCrc16(seg))}`;
}

/** The plaintext segment, or a refusal (an encrypted area needs the device's key). */
function plaintextOf(
  text: string,
  parsed: ReturnType<typeof parseSegment>,
  device: Device | undefined,
): { plain: string; area: string; encrypted: boolean } | PacketRefusal {
  const mn = parsed.header.mn;
  if (!isEncryptedArea(parsed.area)) return { plain: text, area: parsed.area, encrypted: false };
  if (!device) return refuse('HJ212_UNKNOWN_MN', `${mn} (encrypted data area)`, mn);
  if (!device.key) return refuse('HJ212_DECRYPT_FAILED', `${mn}: no SM4 key registered`, mn);
  try {
    const area = decryptArea(parsed.area, device.key);
    const rest = text.slice(parsed.prefix.length + parsed.area.length);
    return { plain: parsed.prefix + area + rest, area, encrypted: true };
  } catch (err) {
    const reason = err instanceof Sm4Error ? err.message : String(err);
    return refuse('HJ212_DECRYPT_FAILED', `${mn}: ${reason}`, mn);
  }
}

/** Is a declared length that differs from the bytes sent acceptable here? */
function lengthAccepted(frame: Frame, plain: string, encrypted: boolean, device: Device): string | null {
  if (frame.lengthMatches) return null;
  const declared = frame.declaredLength;
  if (encrypted && declared === Buffer.byteLength(plain, 'utf8')) return null; // 2025 examples: plaintext length
  if (device.lengthLenient) return null;
  const text = frame.segment.toString('utf8');
  // Loggers that count characters where the standard counts bytes (Chinese log texts).
  if (Buffer.byteLength(text, 'utf8') !== text.length && declared === [...text].length) return null;
  return `declared ${declared}, sent ${frame.segment.length} bytes`;
}

function checkHeader(h: PacketHeader, version: ProtocolVersion, split: boolean): string | null {
  const rules = VERSION_RULES[version];
  if (rules.qnRequired && !(h.qn && /^\d{17}$/.test(h.qn))) return `QN "${h.qn ?? ''}" is not 17 digits`;
  if (h.rf !== null && (!rules.allowsRf || h.rf !== '1')) return `RF=${h.rf} (only RF=1, only in 2025)`;
  if (split && (h.pnum !== null || h.pno !== null)) {
    if (h.pnum === null || h.pno === null) return 'PNUM/PNO: one without the other';
  }
  return null;
}

export function judgePacket(frame: Frame, lookup: (mn: string) => Device | undefined): Judgement {
  const text = frame.segment.toString('utf8');
  let parsed: ReturnType<typeof parseSegment>;
  try {
    parsed = parseSegment(text);
  } catch (err) {
    if (!(err instanceof PacketFormatError)) throw err;
    const variant = matchCrc(frame.segment, frame.crcText);
    if (!variant) return refuse('HJ212_BAD_CRC', crcDetail(frame.segment, frame.crcText), null);
    return refuse('HJ212_MALFORMED', err.message, null, variant);
  }
  const h = parsed.header;
  const device = lookup(h.mn);
  const clear = plaintextOf(text, parsed, device);
  if ('kind' in clear) return clear;
  const plainBytes = clear.encrypted ? Buffer.from(clear.plain, 'utf8') : frame.segment;
  const variant = matchCrc(plainBytes, frame.crcText);
  if (!variant) return refuse('HJ212_BAD_CRC', `${h.mn}: ${crcDetail(plainBytes, frame.crcText)}`, h.mn);
  if (!device) return refuse('HJ212_UNKNOWN_MN', h.mn, h.mn, variant);
  if (!device.enabled) return refuse('HJ212_DEVICE_DISABLED', h.mn, h.mn, variant);
  if (!crcAllowed(device.crcMode, variant)) {
    const detail = `${h.mn}: the packet's CRC is ${variant === 'modbus' ? 'CRC-16/MODBUS' : 'HJ 212 App. A'}, the device is registered as ${device.crcMode}`;
    return refuse('HJ212_BAD_CRC', detail, h.mn, variant);
  }
  const lengthProblem = lengthAccepted(frame, clear.plain, clear.encrypted, device);
  if (lengthProblem) return refuse('HJ212_LENGTH_MISMATCH', `${h.mn}: ${lengthProblem}`, h.mn, variant);
  if (h.pw !== device.password)
    return refuse('HJ212_BAD_PASSWORD', `${h.mn}: PW=${h.pw ?? ''}`, h.mn, variant);
  const flag = readFlag(h.flag);
  if (flag.version !== device.version) {
    const seen = flag.version ?? `version bits ${flag.versionBits}`;
    return refuse('HJ212_WRONG_VERSION', `${h.mn}: ${seen}, registered ${device.version}`, h.mn, variant);
  }
  const version = flag.version;
  const headerProblem = checkHeader(h, version, flag.split);
  if (headerProblem) return refuse('HJ212_MALFORMED', `${h.mn}: ${headerProblem}`, h.mn, variant);
  const notes: string[] = [];
  if (flag.split && h.pnum === null) notes.push('split flag without PNUM/PNO: read as one packet');
  if (h.pnum !== null && h.pno !== null && (h.pno < 1 || h.pno > h.pnum)) {
    return refuse('HJ212_BAD_SPLIT', `${h.mn}: PNO=${h.pno} of PNUM=${h.pnum}`, h.mn, variant);
  }
  const accepted: Accepted = { device, header: h, version, variant, encrypted: clear.encrypted, notes };
  const reply = { header: h, version, format: device.replyFormat, variant };
  if (isDataCommand(h.cn)) {
    return {
      ...accepted,
      kind: 'data',
      cn: h.cn,
      area: clear.area,
      ack: flag.ackWanted ? dataAck(reply) : null,
    };
  }
  // A request is answered with 9011 whatever its Flag (a request always wants its QnRtn, §2.4, §4.2); the
  // platform executes none, so no 9012 follows (9012 comes only after QnRtn=1).
  if (isPlatformRequest(version, h.cn))
    return { ...accepted, kind: 'other', reply: requestAck(reply, QN_RTN.rejected) };
  // The execution result (9012) of a request of ours is acknowledged when the logger asks (the 2005 App. C
  // ack-mode exchange: 9014 with QN and CN=9012); 9011 and acknowledgements need no answer.
  if (h.cn === '9012') return { ...accepted, kind: 'other', reply: flag.ackWanted ? dataAck(reply) : null };
  if (h.cn.startsWith('90') && !isNotification(version, h.cn))
    return { ...accepted, kind: 'other', reply: null };
  if (!flag.ackWanted) return { ...accepted, kind: 'other', reply: null };
  const answer = isNotification(version, h.cn) ? notificationAck(reply) : dataAck(reply);
  return { ...accepted, kind: 'other', reply: answer };
}
