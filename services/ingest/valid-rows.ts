/**
 * What a bulk load's valid rows add up to while they stream — how many, their time range, the newest, and the
 * rollup keys they touch — kept the same way by the direct COPY and the staged route.
 */
import type { MeasurementRow } from '../store/measurement-queries.js';
import type { RollupKeys } from './rollup-keys.js';
import { shanghaiDayOf } from './shanghai-fast.js';

export class ValidRows {
  good = 0;
  /** Epoch ms of the earliest and latest row; ±Infinity before the first. */
  min = Infinity;
  max = -Infinity;
  newest: Date | null = null;
  private dayOfTs = NaN;
  private day = '';

  constructor(readonly keys: RollupKeys) {}

  /** Counts a valid row, remembers its rollup key and returns its Shanghai day. */
  add(r: MeasurementRow): string {
    const t = r.ts.getTime();
    if (t < this.min) this.min = t;
    if (t > this.max) {
      this.max = t;
      this.newest = r.ts;
    }
    this.good += 1;
    // Rows come grouped by time: the Shanghai day of the previous row's time is usually this row's too.
    if (t !== this.dayOfTs) {
      this.dayOfTs = t;
      this.day = shanghaiDayOf(r.ts);
    }
    this.keys.add(this.day, r.metricId, r.seriesId);
    return this.day;
  }
}
