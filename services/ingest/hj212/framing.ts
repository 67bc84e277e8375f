/**
 * Splits one connection's byte stream into HJ 212 packets (shared/domain/hj212.md §1.5): `##`, 4 decimal
 * digits of length, the data segment, 4 hex digits of CRC, CR LF. The stream is kept as bytes — a UTF-8
 * character of a log text can be cut between two TCP reads — and buffers are bounded.
 *
 * Two ways to find a packet's end, tried in this order:
 *   - the length path: the declared length lands on 4 hex digits followed by CR LF;
 *   - the CR LF path: the first CR LF after the header ends the packet, whatever the length said. The
 *     standard's own 2025 encrypted examples declare the plaintext length (234) while 811 characters travel,
 *     and loggers count characters where the standard counts bytes; such packets are marked
 *     `lengthMatches: false` and the rules of the device decide (device-session.ts).
 * Everything before a `##` is skipped and counted; a packet whose tail is missing (the next `##` comes before
 * any CR LF) is dropped so that the next one is read normally — the logger re-sends what it saw no reply to.
 */

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;

export interface Frame {
  /** The whole packet as received, `##` to CR LF. */
  raw: Buffer;
  /** The data segment as transmitted (for 2025 packets possibly with an encrypted data area). */
  segment: Buffer;
  declaredLength: number;
  crcText: string;
  /** The declared length equals the transmitted segment's byte count. */
  lengthMatches: boolean;
}

export type FrameEvent =
  | { kind: 'frame'; frame: Frame }
  /** A declared length beyond the limit: refused at once, without waiting for that many bytes. */
  | { kind: 'oversize'; declaredLength: number; head: Buffer }
  /** A packet cut short (no tail before the next packet) or never ended within the scan limit. */
  | { kind: 'unterminated'; head: Buffer };

export interface FramingLimits {
  /** Largest declared data-segment length accepted (the standard: 1024). */
  maxSegment: number;
  /** How far past the header a CR LF is looked for (2025 ciphertext is ~3.5× its plaintext). */
  maxScan: number;
  /** Bytes one connection may hold unframed; beyond it the connection is a flood. */
  maxBuffer: number;
}

export const DEFAULT_FRAMING: FramingLimits = { maxSegment: 1024, maxScan: 16 * 1024, maxBuffer: 64 * 1024 };

const isDigit = (b: number | undefined) => b !== undefined && b >= 0x30 && b <= 0x39;
const isHex = (b: number | undefined) =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));

function isHex4(buf: Buffer, at: number): boolean {
  return isHex(buf[at]) && isHex(buf[at + 1]) && isHex(buf[at + 2]) && isHex(buf[at + 3]);
}

export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  /** Bytes skipped as not part of any packet. */
  garbageBytes = 0;

  constructor(private readonly limits: FramingLimits = DEFAULT_FRAMING) {}

  /** Bytes held waiting for the rest of a packet (a half-packet timer runs while this is > 0). */
  get pending(): number {
    return this.buf.length;
  }

  /**
   * Adds a read and returns what it completed. `overflow` is true when the bytes held exceed the buffer
   * limit even after framing: the connection is sending something that never becomes a packet.
   */
  push(chunk: Buffer): { events: FrameEvent[]; overflow: boolean } {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const events: FrameEvent[] = [];
    for (;;) {
      const ev = this.next();
      if (ev === null) break;
      if (ev !== 'skip') events.push(ev);
    }
    // A Buffer.concat result may be a slice of a large read: copy what stays so the read can be freed.
    if (this.buf.length > 0 && this.buf.byteOffset !== 0) this.buf = Buffer.from(this.buf);
    return { events, overflow: this.buf.length > this.limits.maxBuffer };
  }

  /** Drops what is held (a half-packet timed out). */
  reset(): number {
    const n = this.buf.length;
    this.garbageBytes += n;
    this.buf = Buffer.alloc(0);
    return n;
  }

  private drop(n: number, garbage = true): void {
    if (garbage) this.garbageBytes += n;
    this.buf = this.buf.subarray(n);
  }

  /** One step: an event, 'skip' (bytes dropped, look again) or null (wait for more bytes). */
  private next(): FrameEvent | 'skip' | null {
    const buf = this.buf;
    const start = buf.indexOf('##');
    if (start < 0) {
      // Keep a trailing '#': it may be the first half of the next header.
      const keep = buf.length > 0 && buf[buf.length - 1] === HASH ? 1 : 0;
      this.drop(buf.length - keep);
      return null;
    }
    if (start > 0) {
      this.drop(start);
      return 'skip';
    }
    if (buf.length < 6) return null;
    if (!(isDigit(buf[2]) && isDigit(buf[3]) && isDigit(buf[4]) && isDigit(buf[5]))) {
      this.drop(1);
      return 'skip';
    }
    const declared = Number(buf.toString('latin1', 2, 6));
    if (declared > this.limits.maxSegment) {
      const head = Buffer.from(buf.subarray(0, Math.min(buf.length, 64)));
      this.drop(2);
      return { kind: 'oversize', declaredLength: declared, head };
    }
    const crcAt = 6 + declared;
    if (buf.length >= crcAt + 6 && buf[crcAt + 4] === CR && buf[crcAt + 5] === LF && isHex4(buf, crcAt)) {
      return this.take(crcAt, crcAt + 6, declared, true);
    }
    return this.byTail(declared);
  }

  /** The CR LF path, for a length that did not land on a tail. */
  private byTail(declared: number): FrameEvent | 'skip' | null {
    const buf = this.buf;
    const tail = buf.indexOf('\r\n', 6);
    const nextHead = buf.indexOf('##', 2);
    if (nextHead >= 0 && (tail < 0 || nextHead < tail) && isDigit(buf[nextHead + 2])) {
      // The next packet starts before this one ended: this one lost its tail.
      const head = Buffer.from(buf.subarray(0, Math.min(nextHead, 64)));
      this.drop(nextHead);
      return { kind: 'unterminated', head };
    }
    if (tail >= 10 && tail - 6 <= this.limits.maxScan + 4) {
      const crcAt = tail - 4;
      if (!isHex4(buf, crcAt)) {
        const head = Buffer.from(buf.subarray(0, Math.min(tail, 64)));
        this.drop(tail + 2);
        return { kind: 'unterminated', head };
      }
      return this.take(crcAt, tail + 2, declared, crcAt - 6 === declared);
    }
    if (tail < 0 && buf.length - 6 <= this.limits.maxScan + 6) return null; // wait for the rest
    const head = Buffer.from(buf.subarray(0, Math.min(buf.length, 64)));
    this.drop(2);
    return { kind: 'unterminated', head };
  }

  private take(crcAt: number, end: number, declared: number, lengthMatches: boolean): FrameEvent {
    const raw = Buffer.from(this.buf.subarray(0, end));
    this.drop(end, false);
    return {
      kind: 'frame',
      frame: {
        raw,
        segment: raw.subarray(6, crcAt),
        declaredLength: declared,
        crcText: raw.toString('latin1', crcAt, crcAt + 4),
        lengthMatches,
      },
    };
  }
}
