import { beforeAll, describe, expect, it } from 'vitest';
import { checkSourceFreshness, judgeFreshness } from '../../services/ingest/freshness.js';
import { listSourceConditionsSince } from '../../services/ingest/freshness-queries.js';
import { ingestRows } from '../../services/ingest/ingest-rows.js';
import { parseSources } from '../../services/ingest/sources/load-sources.js';
import { DAY, HOUR, ManualClock, MINUTE } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const at = (s: string) => new Date(s);

describe('judging freshness', () => {
  const hourly = { cadence: 'hour' as const, expected_lag: HOUR, settle_window: 2 * HOUR };

  it('an hourly source is stale once an hour is missing past its lag and settle window', () => {
    const status = { watchingSince: at('2024-01-01T00:00:00Z'), lastDataAt: at('2024-03-01T08:00:00+08:00') };
    // Hour 09:00-10:00 is due at 10:00 + 1 h + 2 h = 13:00.
    expect(judgeFreshness(hourly, status, at('2024-03-01T12:59:00+08:00')).stale).toBe(false);
    const v = judgeFreshness(hourly, status, at('2024-03-01T13:00:00+08:00'));
    expect(v).toMatchObject({ stale: true });
    expect(v.firstMissing.toISOString()).toBe('2024-03-01T01:00:00.000Z');
    expect(v.dueAt.toISOString()).toBe('2024-03-01T05:00:00.000Z');
  });

  it('a monthly source is due after the month ends plus its lag, across the year end', () => {
    const monthly = { cadence: 'month' as const, expected_lag: 10 * DAY, settle_window: 5 * DAY };
    const status = { watchingSince: at('2023-01-01T00:00:00Z'), lastDataAt: at('2023-11-01T00:00:00+08:00') };
    expect(judgeFreshness(monthly, status, at('2024-01-15T23:59:00+08:00')).stale).toBe(false);
    const v = judgeFreshness(monthly, status, at('2024-01-16T00:00:00+08:00'));
    expect(v.stale).toBe(true);
    expect(v.firstMissing.toISOString()).toBe('2023-11-30T16:00:00.000Z'); // December, Shanghai
  });

  it('a semi-monthly source expects the second half of a month from the 16th', () => {
    const half = { cadence: 'half_month' as const, expected_lag: 3 * DAY, settle_window: 0 };
    const status = { watchingSince: at('2024-01-01T00:00:00Z'), lastDataAt: at('2024-02-01T00:00:00+08:00') };
    const v = judgeFreshness(half, status, at('2024-03-04T00:00:00+08:00'));
    expect(v.stale).toBe(true);
    expect(v.firstMissing.toISOString()).toBe('2024-02-15T16:00:00.000Z');
  });

  it('a source never heard from is stale only once a whole period was due since watching began', () => {
    const status = { watchingSince: at('2024-03-01T10:30:00+08:00'), lastDataAt: null };
    // The first whole hour watched is 11:00-12:00, due at 15:00.
    expect(judgeFreshness(hourly, status, at('2024-03-01T14:59:00+08:00')).stale).toBe(false);
    expect(judgeFreshness(hourly, status, at('2024-03-01T15:00:00+08:00')).stale).toBe(true);
  });
});

describe('the stale-source condition', () => {
  const sources = parseSources(`sources:
  - { id: feed_a, name_zh: 小时数据A, adapter: file_drop, schedule: '* * * * *', dir: a, cadence: hour, expected_lag: 1h, settle_window: 2h }
  - { id: events, name_zh: 事件, adapter: file_drop, schedule: '* * * * *', dir: e, cadence: event, expected_lag: 1h, settle_window: 1h }
`);
  const clock = new ManualClock(at('2024-03-01T08:30:00+08:00'));

  beforeAll(async () => {
    await seedRealReference(db.pool);
  });

  it('opens once when data stops, is recorded in source_status and source_condition, and resolves when data arrives', async () => {
    expect(await checkSourceFreshness(db.pool, sources, clock.now())).toMatchObject({
      checked: 1,
      stale: [],
    });
    await ingestRows(
      db.pool,
      { sourceId: 'feed_a', adapter: 'manual' },
      [{ time: '2024-03-01T08:00:00+08:00', series: 'st_luyi_1', metric: 'pm25', value: 30 }],
      clock,
    );
    clock.set(at('2024-03-01T12:00:00+08:00')); // hour 09:00 due at 13:00
    expect((await checkSourceFreshness(db.pool, sources, clock.now())).stale).toEqual([]);

    clock.set(at('2024-03-01T13:05:00+08:00'));
    expect(await checkSourceFreshness(db.pool, sources, clock.now())).toMatchObject({
      stale: ['feed_a'],
      opened: ['feed_a'],
    });
    clock.advance(5 * MINUTE);
    expect(await checkSourceFreshness(db.pool, sources, clock.now())).toMatchObject({
      stale: ['feed_a'],
      opened: [],
    });
    const { rows: status } = await db.pool.query(
      `SELECT stale_since FROM source_status WHERE source_id = 'feed_a'`,
    );
    expect(status[0].stale_since.toISOString()).toBe('2024-03-01T05:05:00.000Z');
    const [condition] = await listSourceConditionsSince(db.pool, null);
    expect(condition).toMatchObject({ source_id: 'feed_a', kind: 'stale', resolved_at: null });
    expect(condition!.due_period_start.toISOString()).toBe('2024-03-01T01:00:00.000Z');
    expect(condition!.detail_zh).toMatch(/^数据源「小时数据A」未按时送达数据/);

    const late = await ingestRows(
      db.pool,
      { sourceId: 'feed_a', adapter: 'manual' },
      [9, 10, 11].map((h) => ({
        time: `2024-03-01T${h < 10 ? '0' : ''}${h}:00:00+08:00`,
        series: 'st_luyi_1',
        metric: 'pm25',
        value: 30,
      })),
      clock,
    );
    expect(await checkSourceFreshness(db.pool, sources, clock.now())).toMatchObject({
      stale: [],
      resolved: ['feed_a'],
    });
    const { rows: after } = await db.pool.query(
      `SELECT stale_since FROM source_status WHERE source_id = 'feed_a'`,
    );
    expect(after).toEqual([{ stale_since: null }]);
    const changed = await listSourceConditionsSince(db.pool, {
      updatedAt: condition!.updated_at,
      id: condition!.id,
    });
    expect(changed).toMatchObject([{ id: condition!.id, resolved_by_batch: late.batchId }]);
  });
});
