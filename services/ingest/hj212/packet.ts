/**
 * Parsing a data segment (shared/domain/hj212.md §2): the header as a key set (field order varies between
 * editions and loggers), and the data area between the first `CP=&&` and the last `&&`. Parsing is lenient
 * the way the standard's own examples require (a missing `;` before `CP=`, `,` where `;` belongs, spaces,
 * a trailing `;`); what the packet means is judged by versions.ts and device-session.ts.
 */

export class PacketFormatError extends Error {}

export interface PacketHeader {
  qn: string | null;
  st: string | null;
  cn: string;
  pw: string | null;
  mn: string;
  flag: number | null;
  pnum: number | null;
  pno: number | null;
  rf: string | null;
  /** Every header key as sent. */
  fields: ReadonlyMap<string, string>;
}

export interface ParsedSegment {
  header: PacketHeader;
  /** The data area, `CP=&&` … `&&` exclusive (possibly still encrypted). */
  area: string;
  /** Segment text before the data area, `CP=&&` inclusive: with the plaintext area it rebuilds the segment. */
  prefix: string;
}

const CP_OPEN = 'CP=&&';

const intOrNull = (v: string | undefined): number | null =>
  v !== undefined && /^\d{1,4}$/.test(v.trim()) ? Number(v.trim()) : null;

export function parseSegment(text: string): ParsedSegment {
  const open = text.indexOf(CP_OPEN);
  if (open < 0) throw new PacketFormatError('no CP=&& in the data segment');
  const close = text.lastIndexOf('&&');
  if (close < open + CP_OPEN.length) throw new PacketFormatError('the data area has no closing &&');
  const fields = new Map<string, string>();
  for (const token of text.slice(0, open).split(/[;,]/)) {
    const t = token.trim();
    if (t === '') continue;
    const eq = t.indexOf('=');
    if (eq <= 0) throw new PacketFormatError(`header item "${t.slice(0, 40)}" is not NAME=value`);
    fields.set(t.slice(0, eq).trim(), t.slice(eq + 1).trim());
  }
  const cn = fields.get('CN');
  const mn = fields.get('MN');
  if (!cn || !/^\d{4}$/.test(cn)) throw new PacketFormatError(`CN "${cn ?? ''}" is not 4 digits`);
  if (!mn) throw new PacketFormatError('no MN in the header');
  const flagText = fields.get('Flag');
  const flag = flagText === undefined ? null : /^\d{1,3}$/.test(flagText) ? Number(flagText) : NaN;
  if (Number.isNaN(flag) || (flag !== null && flag > 255)) {
    throw new PacketFormatError(`Flag "${flagText}" is not a number 0–255`);
  }
  return {
    header: {
      qn: fields.get('QN') ?? null,
      st: fields.get('ST') ?? null,
      cn,
      pw: fields.get('PW') ?? null,
      mn,
      flag,
      pnum: intOrNull(fields.get('PNUM')),
      pno: intOrNull(fields.get('PNO')),
      rf: fields.get('RF') ?? null,
      fields,
    },
    area: text.slice(open + CP_OPEN.length, close),
    prefix: text.slice(0, open + CP_OPEN.length),
  };
}

/** The field suffixes of 2017 Table 4; anything else is kept as "unknown" and reported, never fatal. */
const SUFFIXES = new Set([
  'Rtd',
  'Min',
  'Avg',
  'Max',
  'Cou',
  'ZsRtd',
  'ZsMin',
  'ZsAvg',
  'ZsMax',
  'Flag',
  'EFlag',
  'SampleTime',
  'Data',
  'DayData',
  'NightData',
  'RS',
  'RT',
  'Info',
  'SN',
]);

export interface DataArea {
  /** Plain keys (DataTime, PolId, BeginTime, …). */
  plain: Map<string, string>;
  /** factor code → suffix → value, as text (decimal values are never read through a float here). */
  factors: Map<string, Map<string, string>>;
  /** `code-suffix` keys whose suffix is not in the standard (e.g. the captured `LA-td`). */
  unknown: string[];
}

/** Splits on `;` and `,` except inside `//…//` (log texts may contain separators). */
function tokens(area: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < area.length; i++) {
    if (area[i] === '/' && area[i + 1] === '/') {
      quoted = !quoted;
      i++;
    } else if (!quoted && (area[i] === ';' || area[i] === ',')) {
      out.push(area.slice(start, i));
      start = i + 1;
    }
  }
  out.push(area.slice(start));
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseDataArea(area: string): DataArea {
  const result: DataArea = { plain: new Map(), factors: new Map(), unknown: [] };
  for (const token of tokens(area)) {
    const eq = token.indexOf('=');
    if (eq <= 0) throw new PacketFormatError(`data item "${token.slice(0, 40)}" is not NAME=value`);
    const key = token.slice(0, eq).trim();
    const value = token.slice(eq + 1).trim();
    const dash = key.lastIndexOf('-');
    if (dash <= 0) {
      result.plain.set(key, value);
      continue;
    }
    const code = key.slice(0, dash);
    const suffix = key.slice(dash + 1);
    // Suffixes match exactly: testing "contains Flag" would let EFlag overwrite Flag.
    if (!SUFFIXES.has(suffix)) {
      result.unknown.push(key);
      continue;
    }
    let f = result.factors.get(code);
    if (!f) result.factors.set(code, (f = new Map()));
    f.set(suffix, value);
  }
  return result;
}
