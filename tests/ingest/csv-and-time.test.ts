import { describe, expect, it } from 'vitest';
import { CsvSplitter, isRefusedLine } from '../../services/ingest/formats/csv-splitter.js';
import { monthInText } from '../../services/ingest/formats/wide-format.js';
import { parseRankingPeriod } from '../../services/ingest/kinds/city-ranking-kind.js';
import { parseWarningLevel } from '../../services/ingest/kinds/warning-kind.js';
import { parseBarePeriodStart, parseEventBound, parseInstant } from '../../services/ingest/parse-time.js';

/** Splits `text` fed in pieces of `size` characters: records must not depend on where chunks end. */
function split(text: string, size = text.length): string[][] {
  const s = new CsvSplitter();
  const out: string[][] = [];
  const fields = (records: ReturnType<CsvSplitter['end']>) =>
    records.map((r) => (isRefusedLine(r) ? [`refused ${r.code}`] : r));
  for (let i = 0; i < text.length; i += size) out.push(...fields(s.push(text.slice(i, i + size))));
  out.push(...fields(s.end()));
  return out;
}

describe('CSV splitter', () => {
  const TEXT = '\uFEFFa,b,c\r\n1, 2 ,3\n"x, y","say ""hi""",z\n"two\nlines",,\n\nlast,row,here';
  const RECORDS = [
    ['a', 'b', 'c'],
    ['1', '2', '3'],
    ['x, y', 'say "hi"', 'z'],
    ['two\nlines', '', ''],
    ['last', 'row', 'here'],
  ];

  it('reads quoted fields, doubled quotes, line breaks in quotes, CRLF, a BOM and a last line without newline', () => {
    expect(split(TEXT)).toEqual(RECORDS);
  });

  it('gives the same records whatever the chunk boundaries', () => {
    for (const size of [1, 2, 3, 5, 7, 13]) expect(split(TEXT, size)).toEqual(RECORDS);
  });

  it('refuses the line of a quoted field that never closes and reads on from the next line', () => {
    expect(split('a,"b\nc')).toEqual([['refused UNCLOSED_QUOTE'], ['c']]);
    for (const size of [1, 2, 3])
      expect(split('x,y\na,"b\nc\n', size)).toEqual([['x', 'y'], ['refused UNCLOSED_QUOTE'], ['c']]);
  });
});

describe('times as feeds write them', () => {
  it('accepts instants with a zone in several spellings and refuses those without', () => {
    for (const t of [
      '2024-03-01T08:00:00+08:00',
      '2024-03-01 08:00+0800',
      '2024-03-01T00:00:00Z',
      '2024/03/01 08:00:00 +08',
    ]) {
      expect(parseInstant(t)).toEqual({ ok: true, date: new Date('2024-03-01T00:00:00Z') });
    }
    expect(parseInstant('2024-03-01 08:00')).toEqual({ ok: false, reason: 'MISSING_TIMEZONE' });
    expect(parseInstant('2024-03-01 08:00', '+08:00')).toEqual({
      ok: true,
      date: new Date('2024-03-01T00:00:00Z'),
    });
  });

  it('refuses impossible dates instead of rolling them over, and reads 24:00 as the end of the day', () => {
    expect(parseInstant('2024-02-30T08:00:00+08:00')).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
    expect(parseInstant('2024-03-01T25:00:00+08:00')).toEqual({ ok: false, reason: 'BAD_TIMESTAMP' });
    expect(parseInstant('2024-12-31T24:00:00+08:00')).toEqual({
      ok: true,
      date: new Date('2024-12-31T16:00:00Z'),
    });
  });

  it('reads bare months and days as Shanghai periods, across the year end and in a leap February', () => {
    expect(parseBarePeriodStart('2024年1月', 'month')?.toISOString()).toBe('2023-12-31T16:00:00.000Z');
    expect(parseBarePeriodStart('2024-02-29', 'day')?.toISOString()).toBe('2024-02-28T16:00:00.000Z');
    expect(parseBarePeriodStart('2023-02-29', 'day')).toBeNull();
    expect(parseBarePeriodStart('2024-03', 'day')).toBeNull(); // a month is not a day
    expect(parseEventBound('2024-12-31', null, 'end')).toEqual({
      ok: true,
      date: new Date('2024-12-31T16:00:00Z'),
    });
    expect(monthInText('通州区2024年3月各街道乡镇降尘量')).toBe('2024-03');
  });

  it('reads ranking periods and warning levels as officials write them', () => {
    expect(parseRankingPeriod('2024年3月')).toEqual({
      kind: 'month',
      start: '2024-03-01',
      end: '2024-03-31',
    });
    expect(parseRankingPeriod('2024-02 下半月')).toEqual({
      kind: 'half_month',
      start: '2024-02-16',
      end: '2024-02-29',
    });
    expect(parseRankingPeriod('2024-02-H1')).toEqual({
      kind: 'half_month',
      start: '2024-02-01',
      end: '2024-02-15',
    });
    expect(parseRankingPeriod('2024 Q1')).toBeNull();
    expect(['蓝色预警', '三级', 'Orange', '红'].map(parseWarningLevel)).toEqual([
      'blue',
      'yellow',
      'orange',
      'red',
    ]);
  });
});
