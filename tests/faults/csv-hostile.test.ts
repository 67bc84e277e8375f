/**
 * Issue #20 (high): CSV input that hurt. An unclosed quote made the splitter re-read the unfinished record on
 * every chunk (quadratic: 20 MB → 14.9 s, +1.6 GB) and then failed the whole file; two stray quotes far apart
 * merged every line between them into one refused row while the batch reported done; one endless line was
 * buffered whole. Records are now bounded (INGEST_MAX_LINE_CHARS, INGEST_MAX_FIELD_CHARS, INGEST_MAX_COLUMNS):
 * the line that breaks a bound is refused with its reason and the start of its text, and reading resumes at the
 * next line — every line is counted once.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileDropAdapter } from '../../services/ingest/adapters/file-drop.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import type { FileDropSource } from '../../services/ingest/sources/source-schema.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { adapterCtx, batchState, seedRealReference, useTempDir } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-06-01T12:00:00+08:00'));
const tempDir = useTempDir();
let drop: string;

/** One hourly PM2.5 line per hour from 2024-01-01 00:00 (Asia/Shanghai). */
function line(i: number): string {
  const t = new Date(Date.UTC(2019, 11, 31, 16) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
  return `${t},st_beiyuan_1,pm25,${20 + (i % 40)}`;
}

async function dropFile(id: string, name: string, body: string) {
  const [s] = parseSources(
    `sources:\n  - { id: ${id}, name_zh: 测试, adapter: file_drop, schedule: '* * * * *', dir: ${id}, ` +
      `cadence: hour, expected_lag: 1h, settle_window: 1h }\n`,
  );
  await mkdir(path.join(drop, id), { recursive: true });
  await writeFile(path.join(drop, id, name), body);
  return fileDropAdapter.run(s as FileDropSource, adapterCtx(db.pool, clock, { dropDir: drop }));
}

async function refusals(batchId: number) {
  const { rows } = await db.pool.query<{ row_number: number; reason_code: string; reason_detail: string }>(
    `SELECT row_number, reason_code, reason_detail FROM refused_row WHERE batch_id = $1 ORDER BY row_number`,
    [batchId],
  );
  return rows;
}

beforeAll(async () => {
  await seedRealReference(db.pool);
  drop = tempDir();
});

describe('hostile CSV', () => {
  it('refuses the line of an unclosed quote and reads every line after it, without going quadratic', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => line(i));
    lines[10] = `${line(10)},"unclosed note`;
    // ~6 MB of further text after the quote, as long lines of a free-text column
    const filler = Array.from({ length: 3000 }, () => 'x'.repeat(2000)).join('\n');
    const started = Date.now();
    const r = await dropFile(
      'unclosed',
      'a.csv',
      `time,series,metric,value\n${lines.join('\n')}\n${filler}\n`,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.rejected).toEqual([]);
    const b = r.batches[0]!;
    expect(b.received).toBe(6000); // 3000 data lines + 3000 filler lines, each counted once
    expect(b.inserted).toBe(2999);
    expect(b.inserted + b.updated + b.unchanged + b.refused).toBe(b.received);
    const refused = await refusals(b.batchId);
    expect(refused[0]).toMatchObject({ row_number: 12, reason_code: 'UNCLOSED_QUOTE' });
    expect(await batchState(db.pool, b.batchId)).toMatchObject({ status: 'done' });
  }, 60_000);

  it('does not merge the lines between two stray quotes into one row', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => line(3000 + i));
    lines[5] = `${line(3005)},"stray`;
    lines[19_000] = `${line(22_000)},stray"`;
    const r = await dropFile('stray', 'b.csv', `time,series,metric,value\n${lines.join('\n')}\n`);
    const b = r.batches[0]!;
    expect(b.received).toBe(20_000);
    expect(b.inserted).toBeGreaterThanOrEqual(19_998);
    expect(b.inserted + b.updated + b.unchanged + b.refused).toBe(b.received);
    expect((await refusals(b.batchId)).map((x) => x.reason_code)).toContain('UNCLOSED_QUOTE');
  }, 60_000);

  it('refuses an endless line, a huge field and too many columns, keeping the start of each', async () => {
    const huge = 'y'.repeat(3_000_000);
    const body = [
      'time,series,metric,value',
      line(23_000),
      `${line(23_001)},${huge}`, // one 3 MB line
      `${line(23_002)},"${'z'.repeat(10_000)}"`, // a 10 KB quoted field
      line(23_003) + ',c'.repeat(1000), // a thousand columns
      line(23_004),
    ].join('\n');
    const r = await dropFile('bounds', 'c.csv', `${body}\n`);
    const b = r.batches[0]!;
    expect([b.received, b.inserted, b.refused]).toEqual([5, 2, 3]);
    const refused = await refusals(b.batchId);
    expect(refused.map((x) => [x.row_number, x.reason_code])).toEqual([
      [3, 'LINE_TOO_LONG'],
      [4, 'FIELD_TOO_LONG'],
      [5, 'TOO_MANY_COLUMNS'],
    ]);
    for (const x of refused) expect(x.reason_detail.length).toBeLessThan(1000);
  }, 60_000);
});
