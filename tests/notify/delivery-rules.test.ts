/** Small decisions of the delivery path (pure): retry delays, step relevance, the digest cut-off. */
import { describe, expect, it } from 'vitest';
import type { AlertRow } from '../../services/alerts/alert-queries.js';
import { retryDelayMs } from '../../services/notify/backoff.js';
import { latestDigestCutoff } from '../../services/notify/digest.js';
import { parseStep, wordsFor } from '../../services/notify/message-parts.js';
import { isStillRelevant } from '../../services/alerts/delivery-messages.js';
import { shanghaiInstant } from '../../services/time/shanghai.js';

describe('retryDelayMs', () => {
  it('doubles from the base, within ±20 %, and is capped', () => {
    expect(retryDelayMs(1, 30_000, 3_600_000, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(3, 30_000, 3_600_000, () => 0.5)).toBe(120_000);
    expect(retryDelayMs(3, 30_000, 3_600_000, () => 0)).toBe(96_000);
    expect(retryDelayMs(3, 30_000, 3_600_000, () => 1)).toBe(144_000);
    expect(retryDelayMs(20, 30_000, 3_600_000, () => 1)).toBe(3_600_000);
  });
});

describe('parseStep', () => {
  it('names the occasion of a delivery', () => {
    expect(parseStep('open:1')).toEqual({ kind: 'open', fallback: false });
    expect(parseStep('escalation:1:2')).toEqual({ kind: 'escalation', fallback: false });
    expect(parseStep('escalation:2:1~fallback')).toEqual({ kind: 'deadline', fallback: true });
    expect(parseStep('level:red:3')).toEqual({ kind: 'warning', fallback: false });
    expect(parseStep('lifted')).toEqual({ kind: 'warning_lifted', fallback: false });
    expect(parseStep('digest:2024-07-02')).toEqual({ kind: 'digest', fallback: false });
  });
});

describe('isStillRelevant', () => {
  const alert = (a: Partial<AlertRow>) =>
    ({ kind: 'target', state: 'firing', revision: 1, ...a }) as AlertRow;
  it('drops escalation once acknowledged, and the rest of an older firing', () => {
    expect(isStillRelevant({ step: 'escalation:1:1' }, alert({}))).toBe(true);
    expect(isStillRelevant({ step: 'escalation:1:1' }, alert({ state: 'acknowledged' }))).toBe(false);
    expect(isStillRelevant({ step: 'open:1' }, alert({ state: 'acknowledged' }))).toBe(false);
    expect(isStillRelevant({ step: 'breached:1' }, alert({ state: 'acknowledged' }))).toBe(true);
    expect(isStillRelevant({ step: 'open:1' }, alert({ revision: 2 }))).toBe(false);
    expect(isStillRelevant({ step: 'resolved:1' }, alert({ state: 'resolved' }))).toBe(true);
    expect(isStillRelevant({ step: 'open:1' }, alert({ state: 'closed' }))).toBe(false);
    expect(isStillRelevant({ step: 'digest:2024-07-02' }, null)).toBe(true);
  });
  it('drops a superseded warning level', () => {
    const w = alert({ kind: 'heavy_pollution_warning', revision: 2 });
    expect(isStillRelevant({ step: 'level:orange:1' }, w)).toBe(false);
    expect(isStillRelevant({ step: 'level:red:2' }, w)).toBe(true);
    expect(
      isStillRelevant(
        { step: 'lifted' },
        alert({ kind: 'heavy_pollution_warning', state: 'resolved', revision: 2 }),
      ),
    ).toBe(true);
  });
});

describe('latestDigestCutoff', () => {
  it("is today's digest time once it has passed, yesterday's before", () => {
    expect(latestDigestCutoff(shanghaiInstant('2024-03-01', 8, 30), 8 * 60 + 30)).toEqual({
      day: '2024-03-01',
      cutoff: shanghaiInstant('2024-03-01', 8, 30),
    });
    expect(latestDigestCutoff(shanghaiInstant('2024-03-01', 8, 29), 8 * 60 + 30)).toEqual({
      day: '2024-02-29',
      cutoff: shanghaiInstant('2024-02-29', 8, 30),
    });
  });
});

describe('wordsFor', () => {
  const item = (facts: Record<string, unknown>) => ({
    id: 1,
    kind: 'task_overdue',
    state: 'firing',
    titleZh: '任务逾期未完成：TZ24-SOIL-032 加强新污染物治理',
    titleEn: 'Task overdue: TZ24-SOIL-032',
    bodyZh: '',
    bodyEn: '',
    facts,
    firedAt: new Date('2024-04-05T01:00:00Z'),
    acknowledgedAt: null,
    acknowledgedBy: null,
  });
  const now = new Date('2024-04-05T01:00:00Z');

  it('tells a unit about a plan task as 任务, and about a target as 目标 (seen in the demo: "该目标" on a task)', () => {
    const task = item({ task: 'TZ24-SOIL-032' });
    expect(wordsFor(task, 'assist', 'open', false, now).intro).toBe(
      '贵单位为该任务的协办单位，抄送知悉，请配合主责单位做好相关工作。',
    );
    expect(wordsFor(task, 'main', 'open', true, now).intro).toContain('responsible for this task');
    expect(wordsFor(item({ targetZh: 'PM2.5' }), 'assist', 'open', false, now).intro).toContain(
      '该目标的协办单位',
    );
  });
});
