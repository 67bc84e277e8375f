/**
 * The task files are generated, not typed: running the extractor over the seeds reproduces config/tasks
 * byte for byte, and its counts agree with the seed's own rows (and, where docs/domain counts them, with that
 * count). The seeds live outside the repository (../shared/seeds beside the checkout); without them there is
 * nothing to regenerate from and these tests are skipped.
 */
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractTasks, type SectionCount } from '../../services/tasks/extract/run-extract.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEEDS = ['../shared/seeds', '../../shared/seeds']
  .map((p) => path.resolve(ROOT, p))
  .find((p) => existsSync(p));
const PLANS = ['bda-2020', 'tongzhou-2020', 'tongzhou-2021', 'tongzhou-2024'];

describe.skipIf(SEEDS === undefined)('envwatch extract-tasks', () => {
  let tmp: string;
  let counts: SectionCount[];
  const lines: string[] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'envwatch-tasks-'));
    await cp(path.join(ROOT, 'config'), tmp, { recursive: true });
    for (const p of PLANS) await rm(path.join(tmp, `tasks/${p}.yaml`));
    counts = await extractTasks({ seedsDir: SEEDS!, configDir: tmp, out: (l) => lines.push(l) });
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it.each(PLANS)('regenerates config/tasks/%s.yaml exactly', async (plan) => {
    const fresh = await readFile(path.join(tmp, `tasks/${plan}.yaml`), 'utf8');
    expect(fresh).toBe(await readFile(path.join(ROOT, `config/tasks/${plan}.yaml`), 'utf8'));
  });

  it('extracts as many rows per section as the seed has, with no 序号 skipped', () => {
    const table = counts.map((c) => [
      c.plan,
      c.section,
      c.extracted,
      c.inSeed,
      c.documented ?? null,
      c.seqGaps,
    ]);
    expect(table).toEqual([
      ['tongzhou-2021', '大气', 56, 56, 56, []],
      ['tongzhou-2021', '水', 43, 43, 43, []],
      ['tongzhou-2021', '土壤', 35, 35, 35, []],
      ['tongzhou-2024', '蓝天', 82, 82, 82, []],
      ['tongzhou-2024', '碧水', 47, 47, 47, []],
      ['tongzhou-2024', '净土', 49, 49, 49, []],
      ['tongzhou-2024', '应对气候变化', 46, 46, 46, []],
      ['tongzhou-2024', '生态保护', 27, 27, 27, []],
      ['bda-2020', '蓝天', 37, 37, null, []],
      ['bda-2020', '碧水', 15, 15, null, []],
      ['bda-2020', '净土', 19, 19, null, []],
      // The narrative's items against the rows of its 任务分解表, which groups the targets into one row (碧水)
      // and splits some items in two (净土): reported, not equal.
      ['tongzhou-2020', '蓝天', 57, 57, null, []],
      ['tongzhou-2020', '碧水', 42, 41, null, []],
      ['tongzhou-2020', '净土', 31, 36, null, []],
    ]);
    expect(lines).toHaveLength(14);
  });
});
