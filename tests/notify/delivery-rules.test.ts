/** Small decisions of the delivery path (pure): retry delays, step relevance, the digest cut-off. */
import { describe, expect, it } from 'vitest';
import type { AlertRow } from '../../services/alerts/alert-queries.js';
import { retryDelayMs } from '../../services/notify/backoff.js';
import { latestDigestCutoff } from '../../services/notify/digest.js';
import { parseStep } from '../../services/notify/message-parts.js';
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
