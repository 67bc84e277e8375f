import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/env.js';
import { parseIngestArgs, run as ingest } from '../../services/cli/commands/ingest.js';
import { parseReprocessArgs, run as reprocess } from '../../services/cli/commands/reprocess.js';
import { ValidationError } from '../../services/errors.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { EXAMPLES, seedRealReference, useTempDir, writeCsv } from './fixtures.js';

const db = useTestDatabase();
const tempDir = useTempDir();

async function cli(command: typeof ingest, args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const config = loadConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const code = await command({ config, args, out: (l) => lines.push(l) });
  return { code, lines };
}

describe('envwatch ingest / reprocess', () => {
  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('ingests a file by hand, detecting its format, and refreshes the derived series', async () => {
    const { code, lines } = await cli(ingest, [
      path.join(EXAMPLES, 'wide-monthly.csv'),
      '--source',
      'district_monthly_tables',
    ]);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^格式 wide/);
    expect(lines[1]).toMatch(/^批次 \d+：收到 11，新增 11，更新 0，未变 0，拒收 0 \(batch \d+: received 11/);
    expect(lines.at(-1)).toMatch(/^派生数据已更新/);
    const { rows } = await db.pool.query(
      `SELECT value, valid FROM scope_monthly WHERE scope_id = 'beiyuan' AND metric_id = 'dust_fall' AND month = '2024-03-01'`,
    );
    expect(rows).toEqual([{ value: 5.2, valid: true }]);
  });

  it('takes the bulk path when asked, and lists then re-processes the rows it refused', async () => {
    const file = await writeCsv(`${tempDir()}/bulk.csv`, [
      ['time', 'series', 'metric', 'value'],
      ['2024-03-08T08:00:00+08:00', 'st_wenjing_1', 'pm25', 31],
      ['2024-03-08T09:00:00+08:00', 'st_wenjing_1', 'pm25', -4],
    ]);
    const loaded = await cli(ingest, [file, '--bulk', '--no-rollups']);
    expect(loaded.lines[0]).toMatch(/批量路径/);
    expect(loaded.lines[1]).toMatch(/收到 2，新增 1，更新 0，未变 0，拒收 1/);
    const batchId = /批次 (\d+)/.exec(loaded.lines[1]!)![1]!;
    const listed = await cli(reprocess, ['--list', '--batch', batchId]);
    expect(listed.lines[0]).toMatch(/NEGATIVE_VALUE/);
    expect(listed.lines[1]).toContain('"value":"-4"');
    const id = /^#(\d+)/.exec(listed.lines[0]!)![1]!;
    const fixed = await cli(reprocess, [id, '--set', 'value=4']);
    expect(fixed.lines[0]).toMatch(/收到 1，新增 1，更新 0，未变 0，拒收 0/);
  });

  it('refuses unclear arguments with a sentence, not a guess', () => {
    expect(() => parseIngestArgs([])).toThrow(ValidationError);
    expect(() => parseIngestArgs(['a.csv', '--format', 'yaml'])).toThrow(/not a format/);
    expect(() => parseReprocessArgs([])).toThrow(/--all/);
    expect(parseReprocessArgs(['--all', '--set', 'unit=mg/m³']).patch).toEqual({ unit: 'mg/m³' });
  });
});
