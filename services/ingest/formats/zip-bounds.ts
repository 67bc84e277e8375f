/**
 * An XLSX is a ZIP: 720 KB of it inflated to 600 MB, 5.4 MB of it kept a worker busy 3 min 49 s (issue #20).
 * Before exceljs inflates anything, two checks:
 *   1. the ZIP's central directory (at the end of the file, a few hundred bytes per entry) and the sizes it
 *      declares: the total uncompressed size, and the ratio of each large entry (real worksheets compress
 *      5–20×, a bomb 1000×) — an ordinary zip tool's bomb is refused in milliseconds;
 *   2. the entries themselves, inflated here and thrown away while their bytes are counted, stopping the moment
 *      the total passes the bound: the directory is only what the writer declares, and a crafted file declares
 *      a few KB for a deflate stream of gigabytes. exceljs (whole read: JSZip; streamed: unzipper) trusts the
 *      stream, so only bytes actually inflated can bound it. The pass costs one extra inflate of a file within
 *      the bounds (docs/decisions.md, "Input bounds that do not trust the file").
 * A file past a bound is refused with the bound named. Works on a file (drop directory, CLI, bulk, upload) and
 * on bytes in memory (the task 台账 import).
 */
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { createInflateRaw } from 'node:zlib';
import { ValidationError } from '../../errors.js';

export interface ZipBounds {
  maxUncompressedBytes: number;
  maxRatio: number;
}

export interface ZipEntrySize {
  name: string;
  compressed: number;
  uncompressed: number;
  /** 0 stored, 8 deflated (the only two an XLSX uses). */
  method: number;
  localHeaderOffset: number;
}

/** Where a ZIP's bytes are: a file, or bytes already in memory (an upload). */
export type ZipInput = string | { name: string; bytes: Buffer };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const EOCD_SEARCH = 22 + 0xffff;
/** Entries smaller than this are not held to the ratio: a small, repetitive XML part compresses very well. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

interface ZipReader {
  name: string;
  size: number;
  readAt(position: number, length: number): Promise<Buffer>;
  /** The bytes from `start` to the end, in chunks. */
  from(start: number): AsyncIterable<Buffer>;
  close(): Promise<void>;
}

async function openZip(input: ZipInput): Promise<ZipReader> {
  if (typeof input !== 'string') {
    const { bytes } = input;
    return {
      name: input.name,
      size: bytes.length,
      readAt: async (position, length) => bytes.subarray(position, position + length),
      async *from(start) {
        for (let p = start; p < bytes.length; p += 64 * 1024) yield bytes.subarray(p, p + 64 * 1024);
      },
      close: async () => undefined,
    };
  }
  const fh: FileHandle = await open(input, 'r');
  const { size } = await fh.stat();
  return {
    name: input,
    size,
    async readAt(position, length) {
      const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
      const { bytesRead } = await fh.read(buf, 0, buf.length, position);
      return buf.subarray(0, bytesRead);
    },
    from: (start) => createReadStream(input, { start, highWaterMark: 64 * 1024 }),
    close: () => fh.close(),
  };
}

function notAZip(file: string, why: string): ValidationError {
  return new ValidationError(`${path.basename(file)}: not a readable XLSX (ZIP) file: ${why}`, [
    { path: 'file', reason: why },
  ]);
}

/** Where the central directory is and how many entries it has (ZIP64 when the 32-bit fields overflow). */
async function centralDirectory(zip: ZipReader) {
  const { name: file, size } = zip;
  const tailStart = Math.max(0, size - EOCD_SEARCH);
  const tail = await zip.readAt(tailStart, size - tailStart);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      at = i;
      break;
    }
  }
  if (at < 0) throw notAZip(file, 'no end of central directory record');
  let entries = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (entries === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = at - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR_SIG)
      throw notAZip(file, 'broken ZIP64 locator');
    const z64 = await zip.readAt(Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw notAZip(file, 'broken ZIP64 record');
    entries = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size) throw notAZip(file, 'central directory past the end of the file');
  return { entries, cdSize, cdOffset };
}

/** The sizes every entry of the ZIP declares in its central directory. */
export async function readZipEntrySizes(input: ZipInput): Promise<ZipEntrySize[]> {
  const zip = await openZip(input);
  try {
    return await readEntries(zip);
  } finally {
    await zip.close();
  }
}

async function readEntries(zip: ZipReader): Promise<ZipEntrySize[]> {
  const file = zip.name;
  const { entries, cdSize, cdOffset } = await centralDirectory(zip);
  const cd = await zip.readAt(cdOffset, cdSize);
  const out: ZipEntrySize[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG)
      throw notAZip(file, `entry ${n + 1} is broken`);
    const method = cd.readUInt16LE(p + 10);
    let compressed = cd.readUInt32LE(p + 20);
    let uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    if (uncompressed === 0xffffffff || compressed === 0xffffffff || localHeaderOffset === 0xffffffff) {
      // ZIP64 extra field (0x0001): the overflowing sizes, uncompressed first, as 64-bit values.
      const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
      for (let e = 0; e + 4 <= extra.length;) {
        const id = extra.readUInt16LE(e);
        const len = extra.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompressed === 0xffffffff && q + 8 <= e + 4 + len) {
            uncompressed = Number(extra.readBigUInt64LE(q));
            q += 8;
          }
          if (compressed === 0xffffffff && q + 8 <= e + 4 + len) {
            compressed = Number(extra.readBigUInt64LE(q));
            q += 8;
          }
          if (localHeaderOffset === 0xffffffff && q + 8 <= e + 4 + len)
            localHeaderOffset = Number(extra.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
    }
    out.push({ name, compressed, uncompressed, method, localHeaderOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/**
 * Refuses an XLSX past the bounds, naming the bound and the entry: first by what its directory declares, then
 * by what its entries actually inflate to (counted while inflating, stopping at the bound).
 */
export async function assertZipWithinBounds(input: ZipInput, bounds: ZipBounds): Promise<void> {
  const zip = await openZip(input);
  try {
    const entries = await readEntries(zip);
    assertDeclaredWithinBounds(path.basename(zip.name), entries, bounds);
    await assertInflatedWithinBounds(zip, entries, bounds);
  } finally {
    await zip.close();
  }
}

function ratioRefusal(
  base: string,
  name: string,
  compressed: number,
  inflated: number,
  max: number,
  how: string,
) {
  const ratio = inflated / Math.max(compressed, 1);
  return new ValidationError(
    `${base}: ${name} ${how} ${Math.round(ratio)}× (${(compressed / MB).toFixed(2)} MB → ` +
      `${(inflated / MB).toFixed(0)} MB), past XLSX_MAX_RATIO ${max}; refused as a zip bomb`,
    [{ path: 'file', reason: 'XLSX_MAX_RATIO' }],
  );
}

function totalRefusal(base: string, how: string, total: number, max: number) {
  return new ValidationError(
    `${base}: ${how} ${(total / MB).toFixed(0)} MB uncompressed, past XLSX_MAX_UNCOMPRESSED_MB ` +
      `${(max / MB).toFixed(0)}; refused`,
    [{ path: 'file', reason: 'XLSX_MAX_UNCOMPRESSED_MB' }],
  );
}

function assertDeclaredWithinBounds(base: string, entries: readonly ZipEntrySize[], bounds: ZipBounds): void {
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    if (e.uncompressed > RATIO_FLOOR_BYTES && e.uncompressed / Math.max(e.compressed, 1) > bounds.maxRatio)
      throw ratioRefusal(base, e.name, e.compressed, e.uncompressed, bounds.maxRatio, 'would inflate');
  }
  if (total > bounds.maxUncompressedBytes)
    throw totalRefusal(base, 'declares', total, bounds.maxUncompressedBytes);
}

/** Where an entry's data starts: after its local header, whose name and extra field lengths are its own. */
async function dataStart(zip: ZipReader, e: ZipEntrySize): Promise<number> {
  const head = await zip.readAt(e.localHeaderOffset, 30);
  if (head.length < 30 || head.readUInt32LE(0) !== LOCAL_SIG)
    throw notAZip(zip.name, `the local header of ${e.name} is broken`);
  return e.localHeaderOffset + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
}

/**
 * Inflates every deflated entry from its data to the end of its deflate stream — not to the compressed size
 * the directory declares, which may lie too — counting the bytes out and discarding them. Stops the moment
 * the total passes maxUncompressedBytes (a bomb costs at most that much inflating, never its full size); an
 * entry past RATIO_FLOOR_BYTES is held to maxRatio against the compressed bytes it really consumed.
 */
async function assertInflatedWithinBounds(
  zip: ZipReader,
  entries: readonly ZipEntrySize[],
  bounds: ZipBounds,
): Promise<void> {
  const base = path.basename(zip.name);
  let total = 0;
  for (const e of entries) {
    if (e.method === 0) {
      total += e.compressed; // stored: what is there is what is read
    } else if (e.method === 8) {
      const start = await dataStart(zip, e);
      const { inflated, consumed } = await countInflated(zip, start, bounds.maxUncompressedBytes - total);
      total += inflated;
      if (total > bounds.maxUncompressedBytes)
        throw totalRefusal(
          base,
          `${e.name} inflates to more than`,
          bounds.maxUncompressedBytes,
          bounds.maxUncompressedBytes,
        );
      if (inflated > RATIO_FLOOR_BYTES && inflated / Math.max(consumed, 1) > bounds.maxRatio)
        throw ratioRefusal(base, e.name, consumed, inflated, bounds.maxRatio, 'inflates');
    } else {
      throw notAZip(zip.name, `${e.name} uses compression method ${e.method}, which an XLSX does not`);
    }
  }
}

/** Bytes one deflate stream inflates to, or just past `budget` when it would inflate more (then stopped). */
async function countInflated(
  zip: ZipReader,
  start: number,
  budget: number,
): Promise<{ inflated: number; consumed: number }> {
  const inflater = createInflateRaw();
  let inflated = 0;
  let over = false;
  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      inflated += chunk.length;
      if (inflated > budget && !over) {
        over = true;
        resolve();
      }
    });
    inflater.once('end', resolve);
    inflater.once('error', reject);
  });
  done.catch(() => undefined); // read below, after the feeding loop
  for await (const chunk of zip.from(start)) {
    if (over || inflater.writableEnded || inflater.destroyed) break;
    // Backpressure: wait until zlib has taken the chunk in, so `over` stops the feeding within one chunk.
    if (!inflater.write(chunk)) await new Promise((r) => inflater.once('drain', r));
    if (inflater.readableEnded) break;
  }
  if (!inflater.writableEnded) inflater.end();
  try {
    await done;
  } catch (err) {
    throw notAZip(zip.name, `a deflate stream is corrupt (${(err as Error).message})`);
  } finally {
    inflater.destroy();
  }
  return { inflated, consumed: inflater.bytesWritten };
}
