/**
 * Crafted ZIPs for the XLSX bound tests (issue #20): an ordinary zip tool writes true sizes, an attacker need
 * not. Shared by tests/faults/xlsx-bomb*.test.ts.
 */

/** A bomb whose directory and local headers declare 3× its compressed size: every declared ratio looks sane. */
export function lieAboutSizes(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  for (let p = 0; p + 46 <= out.length; p++) {
    if (out.readUInt32LE(p) === 0x02014b50) {
      const compressed = out.readUInt32LE(p + 20);
      out.writeUInt32LE(compressed * 3, p + 24);
      const local = out.readUInt32LE(p + 42);
      out.writeUInt32LE(compressed * 3, local + 22);
    }
  }
  return out;
}
