/**
 * Stale sources: ingestion sets source_status.stale_since; the sweep opens one alert for the operators
 * (contacts of ALERT_OPS_UNITS, by e-mail) and resolves it when ingestion clears stale_since — the data
 * says so. The sweep records its last run so a stopped sweep can be noticed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE, shanghaiInstant } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { count, seedDirectory } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const db = useTestDatabase();
let h: Harness;

beforeAll(async () => {
  await seedDirectory(db.pool);
  h = await startHarness(db, { now: shanghaiInstant('2024-08-01', 14, 0) });
});

afterAll(async () => {
  await h?.close();
});

describe('a stale source', () => {
  it('raises one alert for the operators, by e-mail', async () => {
    await db.pool.query(
      `INSERT INTO source_status (source_id, last_success_at, stale_since) VALUES ('city-hourly-feed', $1, $2)`,
      [shanghaiInstant('2024-08-01', 9, 0), shanghaiInstant('2024-08-01', 12, 0)],
    );
    expect((await h.sweep())['stale.opened']).toBe(1);
    await h.smtp.waitFor(2);
    await h.settle();
    expect(h.smtp.messages.map((m) => m.to[0]).sort()).toEqual([
      'eeb.duty@example.gov.cn',
      'eeb.liaison@example.gov.cn',
    ]);
    expect(h.smtp.messages.find((m) => m.to[0] === 'eeb.duty@example.gov.cn')!.parsed.subject).toBe(
      '【数据中断】数据源 city-hourly-feed 自 2024-08-01 12:00 起未按时更新',
    );
    expect(h.gateway.messages).toHaveLength(0);
    h.clock.advance(1 * MINUTE);
    expect((await h.sweep())['stale.opened']).toBe(0);
    expect(await count(db.pool, `SELECT count(*)::int AS n FROM alert WHERE kind = 'stale_source'`)).toBe(1);
  });

  it('resolves when the source delivers again', async () => {
    await db.pool.query(
      `UPDATE source_status SET stale_since = NULL, last_success_at = $1 WHERE source_id = 'city-hourly-feed'`,
      [h.clock.now()],
    );
    h.clock.advance(1 * MINUTE);
    expect((await h.sweep())['stale.resolved']).toBe(1);
    const { rows } = await db.pool.query(
      `SELECT state, resolved_reason FROM alert WHERE kind = 'stale_source'`,
    );
    expect(rows).toEqual([{ state: 'resolved', resolved_reason: 'source delivers again' }]);
  });

  it('records the sweep run', async () => {
    const { rows } = await db.pool.query<{ last_run_at: Date; last_summary: Record<string, number> }>(
      `SELECT last_run_at, last_summary FROM alert_sweep_run`,
    );
    expect(rows[0]!.last_run_at).toEqual(h.clock.now());
    expect(rows[0]!.last_summary['stale.resolved']).toBe(1);
    expect(rows[0]!.last_summary.failures).toBe(0);
  });
});
