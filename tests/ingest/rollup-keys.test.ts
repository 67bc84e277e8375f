import { describe, expect, it } from 'vitest';
import { KEY_SEPARATOR, nextDay, RollupKeys } from '../../services/ingest/rollup-keys.js';

const runs = (k: RollupKeys) =>
  k
    .lines()
    ?.split('\n')
    .map((l) => l.split(KEY_SEPARATOR).join(' '));

describe('rollup keys gathered while streaming', () => {
  it('steps over month and year ends and 29 February', () => {
    expect(['2024-02-28', '2024-02-29', '2023-12-31', '2024-04-30'].map(nextDay)).toEqual([
      '2024-02-29',
      '2024-03-01',
      '2024-01-01',
      '2024-05-01',
    ]);
  });

  it('keeps one run per series and metric for a delivery in time order', () => {
    const k = new RollupKeys(10);
    for (const day of ['2024-02-28', '2024-02-29', '2024-03-01'])
      for (let h = 0; h < 24; h++) for (const s of ['st_a', 'st_b']) k.add(day, 'pm25', s);
    k.add('2024-03-01', 'pm10', 'st_a');
    expect(runs(k)).toEqual([
      'st_a pm25 2024-02-28 2024-03-01',
      'st_b pm25 2024-02-28 2024-03-01',
      'st_a pm10 2024-03-01 2024-03-01',
    ]);
  });

  it('opens a new run for a gap or an earlier day, and none for a day it already has', () => {
    const k = new RollupKeys(10);
    for (const day of ['2024-03-01', '2024-03-02', '2024-03-05', '2024-03-01', '2024-02-20', '2024-03-05'])
      k.add(day, 'pm25', 'st_a');
    expect(runs(k)).toEqual([
      'st_a pm25 2024-03-01 2024-03-02',
      'st_a pm25 2024-03-05 2024-03-05',
      'st_a pm25 2024-02-20 2024-02-20',
    ]);
  });

  it('gives up past its limit of runs, leaving the keys to the database', () => {
    const k = new RollupKeys(2);
    for (const day of ['2024-03-01', '2024-03-03', '2024-03-05']) k.add(day, 'pm25', 'st_a');
    expect(k.lines()).toBeNull();
  });
});
