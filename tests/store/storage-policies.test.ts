import { describe, expect, it } from 'vitest';
import { ensurePartitionsFor } from '../../services/store/measurement-queries.js';
import { applyStoragePolicies } from '../../services/store/storage-policies.js';
import { useTestDatabase } from '../helpers/test-db.js';

const db = useTestDatabase();

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'measurement'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.relname);
}

describe('storage policies (plain mode)', () => {
  it('keeps every raw partition when retention is 0', async () => {
    await ensurePartitionsFor(db.pool, new Date('2023-01-15T00:00:00Z'), new Date('2023-03-15T00:00:00Z'));
    const report = await applyStoragePolicies(db.pool, { RAW_RETENTION_DAYS: 0, COMPRESS_AFTER_DAYS: 120 });
    expect(report.droppedPartitions).toEqual([]);
    expect(await partitions()).toEqual([
      'measurement_y2023m01',
      'measurement_y2023m02',
      'measurement_y2023m03',
    ]);
  });

  it('drops only the partitions that end before now minus the retention window', async () => {
    const now = new Date('2023-05-01T00:00:00Z');
    // 60 days before 1 May is 2 March: January and February end before it, March does not.
    const report = await applyStoragePolicies(
      db.pool,
      { RAW_RETENTION_DAYS: 60, COMPRESS_AFTER_DAYS: 120 },
      now,
    );
    expect(report.droppedPartitions.sort()).toEqual(['measurement_y2023m01', 'measurement_y2023m02']);
    expect(await partitions()).toEqual(['measurement_y2023m03']);
  });
});
