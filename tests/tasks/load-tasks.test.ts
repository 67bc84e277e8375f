/**
 * The task files: the shipped ones load against the shipped reference data; a wrong file fails with every
 * problem named; what the seeds leave ambiguous is listed for review, not refused.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../services/errors.js';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import type { ReferenceSet } from '../../services/reference/reference-schema.js';
import { loadTaskFiles, parseTaskFiles } from '../../services/tasks/load-tasks.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let reference: ReferenceSet;

beforeAll(async () => {
  reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
});

const file = (tasks: string, name = 'tongzhou-2099.yaml') => ({
  name,
  text: `plan: { id: ${name.replace('.yaml', '')}, year: 2099, name_zh: 测试, document_no: 测试〔2099〕1号, seed_file: x.txt, source: '002:1-2', extracted_by: test }
sections: [{ name: 蓝天, title_zh: 测试, source: '002:1-2', columns: [序号, 重点任务, 工作措施, 完成时限, 牵头领导], rows_in_seed: 1 }]
tasks:
${tasks}`,
});

const task = (over: Record<string, string> = {}) => {
  const f = {
    id: 'TZ99-AIR-001',
    deadline_zh: '年底前',
    deadline: '{ kind: due, due: 2099-12-31 }',
    unit: '{ role: main, label: 主责单位, name_zh: 区生态环境局, unit_id: eeb }',
    lead: '{ name_zh: 姚伟龙, official_id: yao_weilong }',
    targets: '[]',
    split: 'layout',
    ...over,
  };
  return `  - { id: ${f.id}, section: 蓝天, heading: null, seq: '1', key_task_zh: 测试, measures_zh: [测试。], deadline_zh: '${f.deadline_zh}', deadline: ${f.deadline}, lead_officials: [${f.lead}], units: [${f.unit}], unit_split: ${f.split}, targets: ${f.targets}, source: '002:1' }`;
};

function problemsOf(files: { name: string; text: string }[]): string[] {
  try {
    parseTaskFiles(files, { reference, targetIds: new Set(['TZ24-AIR-01']) });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).details.map((d) => `${d.path}: ${d.reason}`);
  }
  return [];
}

describe('task files', () => {
  it('the shipped files load against the reference data and the targets', async () => {
    const { files, review } = await loadTaskFiles(path.join(ROOT, 'config/tasks'), { reference });
    expect(files.map((f) => [f.plan.id, f.tasks.length])).toEqual([
      ['bda-2020', 71],
      ['tongzhou-2020', 130],
      ['tongzhou-2021', 134],
      ['tongzhou-2024', 251],
    ]);
    expect(review.length).toBeGreaterThan(0);
  });

  it('a valid row loads with nothing to review', () => {
    const { files, review } = parseTaskFiles([file(task())], { reference });
    expect(files[0]!.tasks[0]!.units[0]!.unit_id).toBe('eeb');
    expect(review).toEqual([]);
  });

  it('refuses unknown ids, a stale parsed deadline, a duplicate id, an unknown target, naming each', () => {
    const problems = problemsOf([
      file(
        [
          task({ unit: '{ role: main, label: 主责单位, name_zh: 某局, unit_id: no_such_unit }' }),
          task({
            deadline: '{ kind: due, due: 2099-06-30 }',
            lead: '{ name_zh: 某人, official_id: nobody }',
          }),
          task({ id: 'TZ99-AIR-002', targets: '[TZ24-AIR-01, TZ00-NONE]' }),
        ].join('\n'),
      ),
    ]);
    expect(problems).toEqual([
      'tongzhou-2099.yaml:TZ99-AIR-001.units[0]: unknown unit id "no_such_unit"',
      'tongzhou-2099.yaml:TZ99-AIR-001: task id also used in tongzhou-2099.yaml',
      'tongzhou-2099.yaml:TZ99-AIR-001.deadline: "年底前" parses to {"kind":"due","due":"2099-12-31"}, the file says {"kind":"due","due":"2099-06-30"}: regenerate with envwatch extract-tasks',
      'tongzhou-2099.yaml:TZ99-AIR-001.lead_officials[0]: unknown official id "nobody"',
      'tongzhou-2099.yaml:TZ99-AIR-002.targets: unknown target id "TZ00-NONE"',
    ]);
  });

  it('refuses a file not named after its plan and a malformed row', () => {
    const problems = problemsOf([file(task({ split: 'maybe' }), 'tongzhou-2097.yaml')]);
    expect(problems.some((p) => p.startsWith('tongzhou-2097.yaml:tasks.0.unit_split'))).toBe(true);
    const misnamed = problemsOf([{ name: 'other.yaml', text: file(task()).text }]);
    expect(misnamed).toEqual(['other.yaml:plan.id: plan id "tongzhou-2099" differs from the file name']);
  });

  it('lists unresolved names, unparsed deadlines and guessed splits for review', () => {
    const { review } = parseTaskFiles(
      [
        file(
          task({
            deadline_zh: '尽快',
            deadline: '{ kind: unparsed }',
            unit: '{ role: assist, label: 协办单位, name_zh: 某某委员会, unit_id: null }',
            lead: '{ name_zh: 某人, official_id: null }',
            split: 'guessed',
          }),
        ),
      ],
      { reference },
    );
    expect(review.map((r) => r.reason)).toEqual([
      '完成时限 "尽快" not understood',
      '协办单位 "某某委员会" resolves to no unit of the reference data',
      '牵头领导 "某人" resolves to no official',
      'main/assist split guessed (the PDF lost the column edge): first unit taken as main',
    ]);
  });
});
