/**
 * Issue #20 (medium): an oversized refused value (a 31 MB station name) was echoed in the push answer and
 * kept and listed whole (the /ingest page grew to 107 MB). A field past INGEST_MAX_FIELD_CHARS now refuses
 * its record as FIELD_TOO_LONG, whatever the door; the answer, the reason and the kept raw row carry its start
 * and its length, not the value.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestPushedBatch } from '../../services/ingest/push-batch.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('an oversized value', () => {
  it('refuses its record with a bounded reason, answer and kept row; the other rows are stored', async () => {
    const huge = 'st_'.padEnd(2_000_000, 'x');
    const { answer } = await ingestPushedBatch(db.pool, clock, {
      sourceId: 'oversized_push',
      clientRef: null,
      origin: 'test',
      measurements: [
        { time: '2024-03-20T01:00:00+08:00', series: huge, metric: 'pm25', value: 31 },
        { time: '2024-03-20T02:00:00+08:00', series: 'st_beiyuan_1', metric: 'pm25', value: 32 },
      ],
    });
    expect(answer).toMatchObject({ received: 2, inserted: 1, refused: 1 });
    expect(answer.refusals[0]).toMatchObject({ row: 1, code: 'FIELD_TOO_LONG' });
    expect(JSON.stringify(answer).length).toBeLessThan(10_000);
    const { rows } = await db.pool.query<{ reason_code: string; detail: number; raw: number }>(
      `SELECT reason_code, length(reason_detail) AS detail, length(raw::text) AS raw FROM refused_row`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason_code).toBe('FIELD_TOO_LONG');
    expect(rows[0]!.detail).toBeLessThan(1_000);
    expect(rows[0]!.raw).toBeLessThan(10_000);
  });
});
