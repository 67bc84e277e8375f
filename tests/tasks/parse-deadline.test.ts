/**
 * Every distinct 完成时限 wording of the task tables in the seeds (000 2020 narrative, 001 2021, 002 2024, 004
 * BDA 2020), as config/tasks/*.yaml holds them, with the reading parse-deadline.ts gives it. The last test
 * keeps this list complete: a wording that appears in the YAML but not here fails it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTaskFiles } from '../../services/tasks/load-tasks.js';
import { parseDeadline } from '../../services/tasks/parse-deadline.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** [wording as written, plan year, reading] */
const WORDINGS: [string, number, unknown][] = [
  ['年底前', 2020, { kind: 'due', due: '2020-12-31' }],
  ['年底前', 2021, { kind: 'due', due: '2021-12-31' }],
  ['年底前', 2024, { kind: 'due', due: '2024-12-31' }],
  ['6月底前', 2020, { kind: 'due', due: '2020-06-30' }],
  ['9月底前', 2020, { kind: 'due', due: '2020-09-30' }],
  ['9月底前', 2024, { kind: 'due', due: '2024-09-30' }],
  ['4月底前', 2024, { kind: 'due', due: '2024-04-30' }],
  ['3月底', 2024, { kind: 'due', due: '2024-03-31' }],
  ['11月 15日前', 2020, { kind: 'due', due: '2020-11-15' }],
  ['供暖季前（11月15日前）', 2021, { kind: 'due', due: '2021-11-15' }],
  ['6-9月', 2021, { kind: 'due', due: '2021-09-30' }],
  ['6-9月', 2024, { kind: 'due', due: '2024-09-30' }],
  ['4月1日起', 2024, { kind: 'ongoing', from: '2024-04-01' }],
  ['长期实施', 2020, { kind: 'ongoing' }],
  ['长期实施', 2021, { kind: 'ongoing' }],
  ['长期实施', 2024, { kind: 'ongoing' }],
  ['长期坚持', 2021, { kind: 'ongoing' }],
  ['持续推进', 2024, { kind: 'ongoing' }],
  ['按时间节点完成', 2020, { kind: 'milestone' }],
  ['按时间节点完成', 2024, { kind: 'milestone' }],
  [
    '年底前 长期实施',
    2020,
    { kind: 'several', parts: [{ kind: 'due', due: '2020-12-31' }, { kind: 'ongoing' }] },
  ],
  [
    '年底前 年底前 年底前',
    2020,
    {
      kind: 'several',
      parts: [
        { kind: 'due', due: '2020-12-31' },
        { kind: 'due', due: '2020-12-31' },
        { kind: 'due', due: '2020-12-31' },
      ],
    },
  ],
  // The 2020 narrative's target items and one BDA sub-row state no 完成时限: check-tasks lists them.
  ['', 2020, { kind: 'unparsed' }],
];

describe('parseDeadline', () => {
  it.each(WORDINGS)('reads "%s" in the %i plan', (wording, year, reading) => {
    expect(parseDeadline(wording, year)).toEqual(reading);
  });

  it('reads the wordings the plans do not use yet but the same grammar gives', () => {
    expect(parseDeadline('2025年底前', 2024)).toEqual({ kind: 'due', due: '2025-12-31' });
    expect(parseDeadline('2月底前', 2024)).toEqual({ kind: 'due', due: '2024-02-29' });
    expect(parseDeadline('每月', 2024)).toEqual({ kind: 'recurring', every: 'month' });
    expect(parseDeadline('每季度', 2024)).toEqual({ kind: 'recurring', every: 'quarter' });
    expect(parseDeadline('一季度末', 2024)).toEqual({ kind: 'due', due: '2024-03-31' });
    expect(parseDeadline('上半年', 2024)).toEqual({ kind: 'due', due: '2024-06-30' });
    expect(parseDeadline('尽快', 2024)).toEqual({ kind: 'unparsed' });
  });

  it('lists every wording that config/tasks holds', async () => {
    const { files } = await loadTaskFiles(path.join(ROOT, 'config/tasks'));
    const inFiles = new Set(files.flatMap((f) => f.tasks.map((t) => `${f.plan.year} ${t.deadline_zh}`)));
    const listed = new Set(WORDINGS.map(([w, y]) => `${y} ${w}`));
    expect([...inFiles].filter((w) => !listed.has(w))).toEqual([]);
    expect([...listed].filter((w) => !inFiles.has(w))).toEqual([]);
  });
});
