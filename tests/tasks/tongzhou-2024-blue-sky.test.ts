/**
 * The 2024 蓝天 table (附件1, 002:2385-3559) loads as the plan writes it: all 82 rows, and for a sample across
 * the whole table the 重点任务, 完成时限 (as written and parsed), 牵头领导 and units with their column labels,
 * checked by hand against the seed lines cited in each row.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadReferenceSet } from '../../services/reference/load-reference.js';
import { loadTaskFiles } from '../../services/tasks/load-tasks.js';
import type { Task } from '../../services/tasks/task-schema.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let rows: Task[];

beforeAll(async () => {
  const reference = await loadReferenceSet(path.join(ROOT, 'config/reference'));
  const { files } = await loadTaskFiles(path.join(ROOT, 'config/tasks'), { reference });
  rows = files.find((f) => f.plan.id === 'tongzhou-2024')!.tasks.filter((t) => t.section === '蓝天');
});

const row = (seq: number) => rows.find((t) => t.seq === String(seq))!;
const units = (t: Task) => t.units.map((u) => [u.role, u.label, u.name_zh, u.unit_id]);
const leads = (t: Task) => t.lead_officials.map((o) => o.official_id);
const main = (name: string, id: string) => ['main', '主责单位', name, id];
const assist = (name: string, id: string) => ['assist', '协办单位', name, id];

describe('2024 蓝天 task table', () => {
  it('has the 82 rows of the plan, numbered 1 to 82 in order, each citing its lines', () => {
    expect(rows.map((t) => Number(t.seq))).toEqual(Array.from({ length: 82 }, (_, i) => i + 1));
    expect(rows.every((t) => /^002:\d+(-\d+)?$/.test(t.source))).toBe(true);
  });

  it('row 1: the air-quality targets, linked to the targets they state', () => {
    const t = row(1);
    expect(t).toMatchObject({
      heading: '一、主要目标',
      key_task_zh: '空气质量',
      deadline_zh: '年底前',
      source: '002:2389-2398',
    });
    expect(t.deadline).toEqual({ kind: 'due', due: '2024-12-31' });
    expect(leads(t)).toEqual(['yao_weilong']);
    expect(units(t)).toEqual([
      main('区生态环境局', 'eeb'),
      assist('区委生态文明委环境污染防治工作小组各成员单位（大气污染防治方面）', 'air_working_group'),
    ]);
    expect(t.targets).toEqual(['TZ24-AIR-01', 'TZ24-AIR-02', 'TZ24-AIR-03', 'TZ24-AIR-04']);
  });

  it('rows 2-4 share row 1 merged 重点任务 and 完成时限 cells and say so', () => {
    for (const seq of [2, 3, 4]) {
      const t = row(seq);
      expect(t).toMatchObject({
        key_task_zh: '空气质量',
        key_task_merged: true,
        deadline_zh: '年底前',
        deadline_merged: true,
      });
      expect(leads(t)).toEqual(['wang_xiangyu', 'yao_weilong']);
      expect(units(t)).toEqual([main('各街道乡镇', 'streets_towns')]);
    }
    expect(row(2).measures_zh).toEqual(['各街道乡镇 PM2.5累计浓度同比改善。']);
  });

  it('row 5: dust fall with four lead officials and nine units, the split marked as guessed', () => {
    const t = row(5);
    expect(t).toMatchObject({ key_task_zh: '降尘量', deadline_zh: '年底前', unit_split: 'guessed' });
    expect(t.measures_zh).toEqual(['全区降尘量控制在 5 吨/平方公里·月左右（扣除沙尘影响）。']);
    expect(leads(t)).toEqual(['ni_decai', 'lu_qinglei', 'wang_xiangyu', 'yao_weilong']);
    expect(t.units.map((u) => u.name_zh)).toEqual([
      '区生态环境局',
      '区住房城乡建设委',
      '区水务局',
      '区园林绿化局',
      '市交通委通州公路分局',
      '区城市管理委',
      '各街道乡镇',
      '副中心工程办',
      '区城管执法局',
    ]);
    expect(t.targets).toEqual(['TZ24-AIR-08']);
  });

  it('row 11: four paragraphs of 工作措施, 按时间节点完成, the split corrected by the overrides file', () => {
    const t = row(11);
    expect(t.key_task_zh).toBe('积极推广新能源汽车');
    expect(t.measures_zh).toHaveLength(4);
    expect(t.measures_zh[3]).toBe(
      '依据三年行动计划，促进重点领域专用充电设施发展，统筹全区公交、物流、环卫、邮政、旅游等重点领域专用充电场站资源，推动将充换电设施与场站同步规划建设。',
    );
    expect(t).toMatchObject({
      deadline_zh: '按时间节点完成',
      deadline: { kind: 'milestone' },
      unit_split: 'override',
    });
    expect(units(t).slice(0, 3)).toEqual([
      main('区城市管理委', 'urban_mgmt'),
      main('区发展改革委', 'ndrc'),
      assist('区住房城乡建设委', 'housing_construction'),
    ]);
  });

  it('row 20: 4月1日起 is ongoing from April 1', () => {
    const t = row(20);
    expect(t).toMatchObject({ key_task_zh: '促进油品储运环节减排', deadline_zh: '4月1日起' });
    expect(t.deadline).toEqual({ kind: 'ongoing', from: '2024-04-01' });
    expect(units(t)).toEqual([main('区生态环境局', 'eeb'), assist('区商务局', 'commerce')]);
  });

  it('row 30: "——" closes the assisting column', () => {
    const t = row(30);
    expect(t).toMatchObject({ key_task_zh: '推动机动车清洁化', key_task_merged: true, unit_split: 'layout' });
    expect(units(t)).toEqual([main('区交通局', 'transport')]);
  });

  it('row 38: a name spaced to three characters and a unit wrapped over two lines', () => {
    const t = row(38);
    expect(leads(t)).toEqual(['tan_qiang']);
    expect(units(t)).toEqual([main('市公安局公安交通管理局通州交通支队', 'traffic_police')]);
  });

  it('row 51: main and assisting units on one line', () => {
    const t = row(51);
    expect(t).toMatchObject({ key_task_zh: '提高核安全水平', deadline_zh: '年底前', unit_split: 'layout' });
    expect(units(t)).toEqual([main('市公安局通州分局', 'police'), assist('区生态环境局', 'eeb')]);
  });

  it('rows 73-74: 4月底前, and a one-line row under the merged 重点任务', () => {
    expect(row(73)).toMatchObject({
      key_task_zh: '精细化治理示范项目',
      deadline_zh: '4月底前',
      deadline: { kind: 'due', due: '2024-04-30' },
    });
    const t = row(74);
    expect(t).toMatchObject({ key_task_zh: '精细化治理示范项目', key_task_merged: true, source: '002:3442' });
    expect(t.measures_zh).toEqual(['税务局落实扬尘环保税相关优惠政策。']);
    expect(leads(t)).toEqual(['wang_yongjie']);
    expect(units(t)).toEqual([main('区税务局', 'tax')]);
  });

  it('row 82: the last row, two paragraphs, three lead officials', () => {
    const t = row(82);
    expect(t).toMatchObject({
      key_task_zh: '强化督导、执法和信息公开',
      deadline_zh: '年底前',
      source: '002:3540-3559',
    });
    expect(t.measures_zh).toHaveLength(2);
    expect(leads(t)).toEqual(['wang_xiangyu', 'tan_qiang', 'yao_weilong']);
    expect(t.units.map((u) => u.unit_id)).toEqual(['urban_enforcement', 'eeb', 'police', 'streets_towns']);
  });
});
