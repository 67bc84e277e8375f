/**
 * Splits the unit and official cells of the plans into names and resolves them against the reference data.
 * The cells write lists in every way a document can: one per line (2021, 2024), 、-separated (2020), space-
 * separated (BDA), run together ("区城市管理委区发展改革委区财政局", 001:58), or wrapped mid-name by the PDF
 * extraction ("区委生态文明委环境污染" + "防治工作小组各成员单位"). A piece that resolves on its own is a name;
 * one that does not is joined with the next until the join resolves; run-together names are cut at the
 * longest known name. What never resolves is kept as written (id null) for check-tasks to list.
 */
import { NameIndex, normaliseName } from '../../reference/name-index.js';
import { namesOf, type ReferenceSet } from '../../reference/reference-schema.js';

export interface ResolvedName {
  name: string;
  id: string | null;
}

export interface NameBook {
  units: NameIndex;
  officials: NameIndex;
  /** Every unit name, normalised, longest first (for cutting run-together names). */
  unitNames: string[];
}

export function nameBookOf(reference: ReferenceSet): NameBook {
  const units = new NameIndex(reference.units.map((u) => ({ id: u.id, names: namesOf(u) })));
  const officials = new NameIndex(reference.officials.map((o) => ({ id: o.id, names: [o.name_zh] })));
  const unitNames = reference.units
    .flatMap((u) => namesOf(u))
    .map(normaliseName)
    .filter((n) => /[\u4e00-\u9fff]/.test(n))
    .sort((a, b) => b.length - a.length);
  return { units, officials, unitNames };
}

const EMPTY_MARKS = /^[—-]+$/;

/** Pieces of a cell: split at line breaks, 、，, and runs of spaces (not inside one CJK name: "谭 强" is a name). */
export function cellPieces(cell: string): string[] {
  // "各街道、乡镇" (2020) is one collective unit, not a list of two: keep its 、 through the split.
  const kept = cell.replace(/街道、乡镇/g, '街道\uE000乡镇');
  return kept
    .split(/\n|[、，,；;]|\s{2,}|(?<=[\u4e00-\u9fff）)])\s(?=[\u4e00-\u9fff（(《])/u)
    .map((p) => p.trim().replace(/\uE000/g, '、'))
    .filter((p) => p !== '' && !EMPTY_MARKS.test(p));
}

/** Cuts a run-together string into known unit names; undefined when some part is no known name. */
function cutKnown(text: string, book: NameBook): string[] | undefined {
  const key = normaliseName(text);
  const parts: string[] = [];
  let at = 0;
  while (at < key.length) {
    const hit = book.unitNames.find((n) => key.startsWith(n, at));
    if (hit === undefined) return undefined;
    parts.push(hit);
    at += hit.length;
  }
  return parts.length > 1 ? parts : undefined;
}

export function resolveUnits(pieces: readonly string[], book: NameBook): ResolvedName[] {
  const out: ResolvedName[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer !== '') out.push({ name: buffer, id: null });
    buffer = '';
  };
  for (const piece of pieces) {
    // A bracketed qualifier wrapped onto its own line belongs to the name before: "…各成员单位" + "（大气污染防治方面）".
    const last = out.at(-1);
    if (buffer === '' && last !== undefined && /^[（(].*[）)]$/.test(piece)) {
      last.name += piece;
      continue;
    }
    const joined = buffer + piece;
    const whole = book.units.resolve(joined);
    if (whole !== undefined) {
      out.push({ name: joined, id: whole });
      buffer = '';
      continue;
    }
    const alone = book.units.resolve(piece);
    if (alone !== undefined) {
      flush();
      out.push({ name: piece, id: alone });
      continue;
    }
    const cut = cutKnown(joined, book) ?? (buffer !== '' ? undefined : cutKnown(piece, book));
    if (cut !== undefined) {
      for (const name of cut) out.push({ name, id: book.units.resolve(name) ?? null });
      buffer = '';
      continue;
    }
    buffer = joined;
  }
  flush();
  return out;
}

/**
 * Officials of a cell: one per line or 、-separated; the 2021 table pads two-character names to the width of
 * three ("阳  波", 001:57), so single characters separated by spaces are one name.
 */
export function officialPieces(cell: string): string[] {
  const out: string[] = [];
  for (const piece of cell.split(/\n|[、，,]/)) {
    let pending = '';
    for (const token of piece.trim().split(/\s+/)) {
      if (token === '' || EMPTY_MARKS.test(token)) continue;
      pending += token;
      if (pending.length >= 2) {
        out.push(pending);
        pending = '';
      }
    }
    if (pending !== '') out.push(pending);
  }
  return out;
}

export function resolveOfficials(pieces: readonly string[], book: NameBook): ResolvedName[] {
  return pieces.map((name) => ({ name, id: book.officials.resolve(name) ?? null }));
}

export function isOfficialName(token: string, book: NameBook): boolean {
  return book.officials.resolve(token) !== undefined;
}

export function isUnitName(token: string, book: NameBook): boolean {
  return book.units.resolve(token) !== undefined;
}
