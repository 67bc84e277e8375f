/**
 * Issue #20 (low): a value written `0x10` was stored as 16 (JavaScript's Number() reads hex, octal and binary
 * literals). A measured value is written in decimal; anything else is refused as not a number.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestPushedBatch } from '../../services/ingest/push-batch.js';
import { ManualClock } from '../../services/time/shanghai.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { refusedCodes, seedRealReference } from './fixtures.js';

const db = useTestDatabase();
const clock = new ManualClock(new Date('2024-04-01T12:00:00+08:00'));

beforeAll(async () => {
  await seedRealReference(db.pool);
});

describe('measured values', () => {
  it('are read as decimal numbers only: 0x10, 0b11, 0o7 and 1_000 are refused, 1e1, " 12.5 " and +7 stored', async () => {
    const values = ['0x10', '0b11', '0o7', '1_000', '1e1', ' 12.5 ', '+7', '.5'];
    const { answer } = await ingestPushedBatch(db.pool, clock, {
      sourceId: 'decimal_push',
      clientRef: null,
      origin: 'test',
      measurements: values.map((value, h) => ({
        time: `2024-03-20T${String(h).padStart(2, '0')}:00:00+08:00`,
        series: 'st_beiyuan_1',
        metric: 'so2',
        value,
      })),
    });
    expect(answer).toMatchObject({ received: 8, inserted: 4, refused: 4 });
    expect(await refusedCodes(db.pool, answer.batch_id)).toEqual(Array(4).fill('NOT_A_NUMBER'));
    const { rows } = await db.pool.query<{ value: number }>(
      `SELECT value FROM measurement WHERE source_id = 'decimal_push' ORDER BY ts`,
    );
    expect(rows.map((r) => r.value)).toEqual([10, 12.5, 7, 0.5]);
  });
});
