/**
 * The two CRC-16 variants met in HJ 212 traffic (shared/domain/hj212.md §1.3). The standard's Appendix A
 * variant replaces the register by (reg >> 8) ^ byte — it drops the low byte — so its value has only 256
 * possibilities and its low byte is always one of 00 01 40 41 80 81 C0 C1. Several open-source loggers and
 * simulators send plain CRC-16/MODBUS (reg ^= byte) instead; a device registered as `modbus` or `either`
 * is accepted with it, and which variant each packet used is counted per device.
 */
export type CrcVariant = 'standard' | 'modbus';
export type CrcMode = CrcVariant | 'either';
export const CRC_MODES = ['standard', 'modbus', 'either'] as const;

/**
 * Eight shift-and-xor steps of the reflected polynomial 0xA001 applied to a byte value: both variants below
 * are these steps on a register whose low byte was just mixed with a data byte, so a table of the 256 results
 * replaces the inner loop (the receiver checks every packet's ~200 bytes, often against both variants).
 */
const STEP8 = (() => {
  const t = new Uint16Array(256);
  for (let n = 0; n < 256; n++) {
    let reg = n;
    for (let i = 0; i < 8; i++) reg = reg & 1 ? (reg >>> 1) ^ 0xa001 : reg >>> 1;
    t[n] = reg;
  }
  return t;
})();

/**
 * HJ 212 Appendix A ("ANSI CRC16" as the standard prints it): reg = (reg >> 8) ^ byte, then eight steps.
 * (reg >> 8) ^ byte is below 256, so the eight steps are one table lookup.
 */
export function hj212Crc16(seg: Uint8Array): number {
  let reg = 0xffff;
  for (let i = 0; i < seg.length; i++) reg = STEP8[(reg >>> 8) ^ seg[i]!]!;
  return reg;
}

/**
 * CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), printed high byte first like the standard's:
 * reg ^= byte, then eight steps — the high byte only shifts down, so it is reg >> 8 ^ step8(low byte).
 */
export function modbusCrc16(seg: Uint8Array): number {
  let reg = 0xffff;
  for (let i = 0; i < seg.length; i++) reg = (reg >>> 8) ^ STEP8[(reg ^ seg[i]!) & 0xff]!;
  return reg;
}

export const crcHex = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

/**
 * Which variant the 4 hex digits the packet carries match, or null for none. Hex case is not specified by
 * the standard: either is accepted. `standard` is tried first: for a segment both happen to match, the
 * standard's reading wins.
 */
export function matchCrc(seg: Uint8Array, given: string): CrcVariant | null {
  if (!/^[0-9A-Fa-f]{4}$/.test(given)) return null;
  const n = Number.parseInt(given, 16);
  if (hj212Crc16(seg) === n) return 'standard';
  if (modbusCrc16(seg) === n) return 'modbus';
  return null;
}

/** Is the variant seen allowed by the device's setting? */
export function crcAllowed(mode: CrcMode, seen: CrcVariant): boolean {
  return mode === 'either' || mode === seen;
}
