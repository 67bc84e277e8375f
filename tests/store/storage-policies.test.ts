import { describe, expect, it } from 'vitest';
import { ensurePartitionsFor } from '../../services/store/measurement-queries.js';
import { applyStoragePolicies, MIN_TIMESCALE_RETENTION_DAYS } from '../../services/store/storage-policies.js';
import { testStorageMode } from '../helpers/storage-mode.js';
import { useTestDatabase } from '../helpers/test-db.js';

// Each mode has its own mechanism (partitions dropped here, background policies under TimescaleDB): the
// file checks the one the test databases use (issue #19 item 9).
const mode = await testStorageMode();

const db = useTestDatabase();

async function partitions(): Promise<string[]> {
  const { rows } = await db.pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'measurement'::regclass ORDER BY 1`,
  );
  return rows.map((r) => r.relname);
}

describe.runIf(mode === 'plain')('storage policies (plain mode)', () => {
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

describe.runIf(mode === 'timescale')('storage policies (TimescaleDB)', () => {
  async function jobs(): Promise<string[]> {
    const { rows } = await db.pool.query<{ proc_name: string }>(
      `SELECT proc_name FROM timescaledb_information.jobs WHERE hypertable_name = 'measurement' ORDER BY 1`,
    );
    return rows.map((r) => r.proc_name);
  }

  it('refuses a raw retention shorter than the aggregates refresh reach, and records nothing', async () => {
    await expect(
      applyStoragePolicies(db.pool, { RAW_RETENTION_DAYS: 60, COMPRESS_AFTER_DAYS: 120 }),
    ).rejects.toThrow(`at least ${MIN_TIMESCALE_RETENTION_DAYS} days`);
    const { rows } = await db.pool.query('SELECT raw_retention_days FROM envwatch_storage');
    expect(rows).toEqual([{ raw_retention_days: 0 }]);
  });

  it('sets compression and retention as background policies, once each', async () => {
    const config = { RAW_RETENTION_DAYS: 400, COMPRESS_AFTER_DAYS: 120 };
    await applyStoragePolicies(db.pool, config);
    const report = await applyStoragePolicies(db.pool, config);
    expect(report).toMatchObject({ mode: 'timescale', droppedPartitions: [] });
    expect(await jobs()).toEqual(['policy_compression', 'policy_retention']);
  });
});
