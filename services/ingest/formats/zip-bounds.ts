/**
 * An XLSX is a ZIP: 720 KB of it inflated to 600 MB, 5.4 MB of it kept a worker busy 3 min 49 s (issue #20).
 * Before exceljs inflates anything, the ZIP's central directory (at the end of the file, a few hundred bytes
 * per entry) is read and the sizes it declares are checked: the total uncompressed size, and the ratio of each
 * large entry (real worksheets compress 5–20×, a bomb 1000×). A file past a bound is refused with the bound
 * named, before a byte is inflated.
 *
 * The directory is what the writer declares. A crafted file can declare less than its streams inflate to; the
 * per-file row and column bounds of the readers still apply to such a file, and this check stops every bomb made
 * by an ordinary zip tool (docs/decisions.md, "Input bounds").
 */
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../../errors.js';

export interface ZipBounds {
  maxUncompressedBytes: number;
  maxRatio: number;
}

export interface ZipEntrySize {
  name: string;
  compressed: number;
  uncompressed: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
/** The end record is 22 bytes plus a comment of at most 65,535. */
const EOCD_SEARCH = 22 + 0xffff;
/** Entries smaller than this are not held to the ratio: a small, repetitive XML part compresses very well. */
const RATIO_FLOOR_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}

function notAZip(file: string, why: string): ValidationError {
  return new ValidationError(`${path.basename(file)}: not a readable XLSX (ZIP) file: ${why}`, [
    { path: 'file', reason: why },
  ]);
}

/** Where the central directory is and how many entries it has (ZIP64 when the 32-bit fields overflow). */
async function centralDirectory(fh: FileHandle, file: string, size: number) {
  const tailStart = Math.max(0, size - EOCD_SEARCH);
  const tail = await readAt(fh, tailStart, size - tailStart);
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
    const z64 = await readAt(fh, Number(tail.readBigUInt64LE(locator + 8)), 56);
    if (z64.length < 56 || z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw notAZip(file, 'broken ZIP64 record');
    entries = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  if (cdOffset + cdSize > size) throw notAZip(file, 'central directory past the end of the file');
  return { entries, cdSize, cdOffset };
}

/** The sizes every entry of the ZIP declares in its central directory. */
export async function readZipEntrySizes(file: string): Promise<ZipEntrySize[]> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const { entries, cdSize, cdOffset } = await centralDirectory(fh, file, size);
    const cd = await readAt(fh, cdOffset, cdSize);
    const out: ZipEntrySize[] = [];
    let p = 0;
    for (let n = 0; n < entries; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG)
        throw notAZip(file, `entry ${n + 1} is broken`);
      let compressed = cd.readUInt32LE(p + 20);
      let uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      if (uncompressed === 0xffffffff || compressed === 0xffffffff) {
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
            if (compressed === 0xffffffff && q + 8 <= e + 4 + len)
              compressed = Number(extra.readBigUInt64LE(q));
          }
          e += 4 + len;
        }
      }
      out.push({ name, compressed, uncompressed });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Refuses an XLSX whose directory declares more than the bounds allow, naming the bound and the entry. */
export async function assertZipWithinBounds(file: string, bounds: ZipBounds): Promise<void> {
  const entries = await readZipEntrySizes(file);
  const base = path.basename(file);
  let total = 0;
  for (const e of entries) {
    total += e.uncompressed;
    const ratio = e.uncompressed / Math.max(e.compressed, 1);
    if (e.uncompressed > RATIO_FLOOR_BYTES && ratio > bounds.maxRatio) {
      throw new ValidationError(
        `${base}: ${e.name} would inflate ${Math.round(ratio)}× (${(e.compressed / MB).toFixed(2)} MB → ` +
          `${(e.uncompressed / MB).toFixed(0)} MB), past XLSX_MAX_RATIO ${bounds.maxRatio}; refused unread as a zip bomb`,
        [{ path: 'file', reason: 'XLSX_MAX_RATIO' }],
      );
    }
  }
  if (total > bounds.maxUncompressedBytes) {
    throw new ValidationError(
      `${base}: declares ${(total / MB).toFixed(0)} MB uncompressed, past XLSX_MAX_UNCOMPRESSED_MB ` +
        `${(bounds.maxUncompressedBytes / MB).toFixed(0)}; refused unread`,
      [{ path: 'file', reason: 'XLSX_MAX_UNCOMPRESSED_MB' }],
    );
  }
}
