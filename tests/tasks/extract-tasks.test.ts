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
const PLANS = ['bda-2020', 'tongzhou-2020', 'tongzhou-2021', 'tongzhou-2022', 'tongzhou-2024'];

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
      // The 2022 分工方案 (003:222-688): one 完成时限 line per duty is the independent count.
      ['tongzhou-2022', '主要预期目标', 8, 8, null, []],
      ['tongzhou-2022', '狠抓重大工程建设', 15, 15, null, []],
      ['tongzhou-2022', '狠抓招商体制机制完善', 7, 7, null, []],
      ['tongzhou-2022', '狠抓“五子”联动', 11, 11, null, []],
      ['tongzhou-2022', '狠抓新老共荣、城乡统筹', 12, 12, null, []],
      ['tongzhou-2022', '狠抓民生服务提质', 13, 13, null, []],
      ['tongzhou-2022', '狠抓综合整治提升', 12, 12, null, []],
      ['tongzhou-2022', '狠抓污染防治攻坚', 13, 13, null, []],
      ['tongzhou-2022', '狠抓国家绿色发展示范区建设', 9, 9, null, []],
      ['tongzhou-2022', '狠抓与北三县一体化高质量发展示范区建设', 11, 11, null, []],
      ['tongzhou-2022', '狠抓作风建设', 2, 2, null, []],
    ]);
    expect(lines).toHaveLength(25);
  });

  it('reads the 2022 分工方案 duties as written: wrapped sentences and unit cells, two leads, two main units', async () => {
    const { parse } = await import('yaml');
    const file = parse(await readFile(path.join(tmp, 'tasks/tongzhou-2022.yaml'), 'utf8')) as {
      tasks: {
        id: string;
        key_task_zh: string;
        deadline: unknown;
        source: string;
        lead_officials: { official_id: string }[];
        units: { role: string; label: string; name_zh: string; unit_id: string | null }[];
      }[];
    };
    const row = (id: string) => file.tasks.find((t) => t.id === id)!;
    expect(file.tasks).toHaveLength(113);
    expect(row('TZ22-GEN-008')).toMatchObject({
      key_task_zh: '大气污染物和水污染物排放完成市级下达的减排任务',
      deadline: { kind: 'due', due: '2022-12-31' },
      source: '003:251-254',
      lead_officials: [{ official_id: 'ni_decai' }, { official_id: 'qin_tao' }],
      units: [
        { role: 'main', label: '主责单位', name_zh: '区生态环境局', unit_id: 'eeb' },
        { role: 'main', label: '主责单位', name_zh: '区水务局', unit_id: 'water_bureau' },
      ],
    });
    // 003:572-573: the sentence wraps onto a second line.
    expect(row('TZ22-GEN-086').key_task_zh).toBe(
      '精细绘制“污染源-管网-排口-河流”关系图，强力推进入河排污口的清理整治工作',
    );
    // 003:650-651: "市规划自然资源委通州分\n局" is one unit.
    expect(row('TZ22-GEN-105').units.map((u) => u.name_zh)).toEqual([
      '区交通局',
      '通州公路分局',
      '市规划自然资源委通州分局',
    ]);
  });
});
