/**
 * The three editions and their per-version rules (shared/domain/hj212.md §2.1, §2.4, §2.6). The edition is
 * read from the Flag's version bits 7..2 (0 = HJ/T 212-2005, 1 = 2017, 2 = 2025) — not from bit 2 alone, as
 * several parsers do and so take 2025 packets for 2005 ones. Bit 1 = packet numbers present, bit 0 = reply
 * wanted, in all three editions (2025 swapped the letters, not the positions). A missing Flag is 2005, no reply.
 */
export const PROTOCOL_VERSIONS = ['2005', '2017', '2025'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

export interface FlagInfo {
  version: ProtocolVersion | null;
  /** Version bits as sent (for a refusal that names an unknown edition). */
  versionBits: number;
  split: boolean;
  ackWanted: boolean;
}

export function readFlag(flag: number | null): FlagInfo {
  if (flag === null) return { version: '2005', versionBits: 0, split: false, ackWanted: false };
  const bits = (flag >> 2) & 0x3f;
  const version = bits === 0 ? '2005' : bits === 1 ? '2017' : bits === 2 ? '2025' : null;
  return { version, versionBits: bits, split: (flag & 2) !== 0, ackWanted: (flag & 1) !== 0 };
}

/** Flag bits of a platform reply: the version, no split, no reply wanted (2017: 4, 2025: 8). */
export function replyFlag(version: ProtocolVersion): number {
  return version === '2005' ? 0 : version === '2017' ? 4 : 8;
}

export interface VersionRules {
  /** MN lengths the edition defines (real devices differ: the registry, not a regex, decides who is known). */
  mnLength: number;
  /** Whether QN must be present on an upload. */
  qnRequired: boolean;
  /** Upper bound of the data area (CP) in characters. */
  maxCp: number;
  /** RF (re-upload) exists only in 2025. */
  allowsRf: boolean;
  /** Widest PNUM/PNO value in digits. */
  maxPacketNumberDigits: number;
}

export const VERSION_RULES: Record<ProtocolVersion, VersionRules> = {
  '2005': { mnLength: 14, qnRequired: false, maxCp: 960, allowsRf: false, maxPacketNumberDigits: 4 },
  '2017': { mnLength: 24, qnRequired: true, maxCp: 950, allowsRf: false, maxPacketNumberDigits: 4 },
  // 2025 PNUM/PNO widths are unconfirmed (a transcription says 1 digit): 1–4 digits are accepted.
  '2025': { mnLength: 24, qnRequired: true, maxCp: 950, allowsRf: true, maxPacketNumberDigits: 4 },
};

/** The data commands stored as measurements, with the aggregate each carries and its period. */
export const DATA_COMMANDS = {
  '2011': { suffix: 'Rtd', period: 'instant' },
  '2051': { suffix: 'Avg', period: 'minute' },
  '2061': { suffix: 'Avg', period: 'hour' },
  '2031': { suffix: 'Avg', period: 'day' },
} as const;
export type DataCommand = keyof typeof DATA_COMMANDS;

export function isDataCommand(cn: string): cn is DataCommand {
  return Object.prototype.hasOwnProperty.call(DATA_COMMANDS, cn);
}

/**
 * Notifications answered with 9013 (not 9014): 1013 time-calibration request in every edition; 2025's
 * heartbeat 9015, hardware-serial upload 1001 and key request 1014. Before 2025, 9015/9021 are vendor
 * extensions some loggers send as heartbeats: also answered with 9013 when they ask for a reply.
 */
export function isNotification(version: ProtocolVersion, cn: string): boolean {
  if (cn === '1013' || cn === '9015' || cn === '9021') return true;
  return version === '2025' && (cn === '1001' || cn === '1014');
}

/**
 * Requests only a platform sends (hj212.md §2.4: "request", P→D, with no upload form): set timeouts, set the
 * time, set intervals and password, calibrate, sample, clean, set parameters. A logger sending one to the
 * platform gets the 9011 a request is owed — "rejected", since the platform carries out no logger commands
 * (decided in docs/decisions.md). Requests whose answer is an upload (1011, 1061, 2061 …) are read as uploads.
 */
const PLATFORM_REQUESTS: Record<ProtocolVersion, ReadonlySet<string>> = {
  '2005': new Set(['1000', '1001', '1012', '1062', '1072', '3011', '3012']),
  '2017': new Set(['1000', '1012', '1062', '1064', '1072', '3011', '3012', '3013', '3014', '3016', '3021']),
  '2025': new Set([
    '1000',
    '1012',
    '1062',
    '1064',
    '1072',
    '3011',
    '3012',
    '3013',
    '3016',
    '3021',
    '3022',
    '3024',
  ]),
};

export function isPlatformRequest(version: ProtocolVersion, cn: string): boolean {
  return PLATFORM_REQUESTS[version].has(cn);
}
