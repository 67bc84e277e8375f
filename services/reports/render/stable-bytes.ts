/**
 * Two renders of the same report must give the same files (issue #19): a version is re-issued only when its
 * data change, and a file that differs on every render hides that. Chromium stamps the wall-clock time into a
 * PDF's /CreationDate and /ModDate, and the zip inside an XLSX stamps every entry; both are set here to the
 * report's production time instead. Same-length rewrites: PDF cross-reference offsets stay valid, and a zip
 * entry's CRC does not cover its time.
 */

/** D:YYYYMMDDHHmmSS+00'00' — always 23 characters, the form Chromium writes. */
function pdfDate(at: Date): string {
  return `D:${at.toISOString().replace(/[-:T]/g, '').slice(0, 14)}+00'00'`;
}

export function stampPdfDates(pdf: Buffer, at: Date): Buffer {
  const text = pdf.toString('latin1');
  const stamped = text.replace(
    /\/(CreationDate|ModDate) \(D:\d{14}[+\-Z][^)]*\)/g,
    (m: string, key: string) => {
      const next = `/${key} (${pdfDate(at)})`;
      // A form of another length would shift every offset after it: leave such a stamp alone.
      return next.length === m.length ? next : m;
    },
  );
  return Buffer.from(stamped, 'latin1');
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** MS-DOS time and date of `at` read as Shanghai wall-clock time (zip times have no zone). */
function dosTime(at: Date): { time: number; date: number } {
  const d = new Date(at.getTime() + 8 * 3_600_000);
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

/** Sets the modification time of every entry of a zip (local header and central directory) to `at`. */
export function stampZipTimes(zip: Buffer, at: Date): Buffer {
  const out = Buffer.from(zip);
  let eocd = -1;
  for (let i = out.length - 22; i >= Math.max(0, out.length - 22 - 0xffff); i--) {
    if (out.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file: no end-of-central-directory record');
  const entries = out.readUInt16LE(eocd + 10);
  const { time, date } = dosTime(at);
  let p = out.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (out.readUInt32LE(p) !== CENTRAL) throw new Error(`zip central directory entry ${n} is malformed`);
    out.writeUInt16LE(time, p + 12);
    out.writeUInt16LE(date, p + 14);
    const local = out.readUInt32LE(p + 42);
    if (out.readUInt32LE(local) !== LOCAL) throw new Error(`zip local header of entry ${n} is malformed`);
    out.writeUInt16LE(time, local + 10);
    out.writeUInt16LE(date, local + 12);
    p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32);
  }
  return out;
}
