/**
 * readCumulativeWindow: the month's value and the cumulative mean of valid daily values over whole months,
 * including a month too thin for a monthly value, and the smallest data version of the window.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readCumulativeWindow } from '../../services/reports/queries/rollup-queries.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { insertReference } from './fixture-reference.js';

const db = useTestDatabase();

beforeAll(async () => {
  await insertReference(db.pool);
  // beiyuan: January 40 (31 valid days, audited), February too thin for a monthly value (2 valid days of
  // 10 and 20, one invalid day of 999), March 50 (30 valid days, provisional).
  await db.pool.query(
    `INSERT INTO scope_monthly (scope_id, metric_id, month, value, n_days, n_valid_days, valid, min_version)
     VALUES ('beiyuan', 'pm25', '2024-01-01', 40, 31, 31, true, 1),
            ('beiyuan', 'pm25', '2024-02-01', NULL, 3, 2, false, 1),
            ('beiyuan', 'pm25', '2024-03-01', 50, 30, 30, true, 0),
            ('beiyuan', 'pm25', '2023-12-01', 70, 31, 31, true, 0)`,
  );
  await db.pool.query(
    `INSERT INTO scope_daily (scope_id, metric_id, day, value, n_series, n_valid_series, valid, min_version)
     VALUES ('beiyuan', 'pm25', '2024-02-01', 10, 1, 1, true, 1),
            ('beiyuan', 'pm25', '2024-02-02', 20, 1, 1, true, 1),
            ('beiyuan', 'pm25', '2024-02-03', 999, 1, 0, false, 1)`,
  );
});

describe('readCumulativeWindow', () => {
  it('weights each month by its valid days and counts the valid days of a thin month', async () => {
    const rows = await readCumulativeWindow(db.pool, ['beiyuan', 'yongshun'], ['pm25'], '2024-01', '2024-03');
    expect(rows).toHaveLength(1); // a unit without rows is absent, not zero
    expect(rows[0]).toMatchObject({ scope_id: 'beiyuan', metric_id: 'pm25', value: 50, min_version: 0 });
    expect(rows[0]!.mean).toBeCloseTo((40 * 31 + 10 + 20 + 50 * 30) / 63, 9);
  });

  it('gives no value for a thin last month, and only the window decides the version', async () => {
    const [row] = await readCumulativeWindow(db.pool, ['beiyuan'], ['pm25'], '2024-01', '2024-02');
    expect(row).toMatchObject({ value: null, min_version: 1 });
    expect(row!.mean).toBeCloseTo((40 * 31 + 30) / 33, 9);
  });
});
