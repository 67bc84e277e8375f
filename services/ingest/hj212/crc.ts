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

/** HJ 212 Appendix A ("ANSI CRC16" as the standard prints it). */
export function hj212Crc16(seg: Uint8Array): number {
  let reg = 0xffff;
  for (const b of seg) {
    reg = (reg >>> 8) ^ b;
    for (let i = 0; i < 8; i++) {
      const lsb = reg & 1;
      reg >>>= 1;
      if (lsb) reg ^= 0xa001;
    }
  }
  return reg;
}

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), printed high byte first like the standard's. */
export function modbusCrc16(seg: Uint8Array): number {
  let reg = 0xffff;
  for (const b of seg) {
    reg ^= b;
    for (let i = 0; i < 8; i++) {
      const lsb = reg & 1;
      reg >>>= 1;
      if (lsb) reg ^= 0xa001;
    }
  }
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
