/**
 * The (series, metric, Shanghai day) keys of a bulk load's valid rows, gathered while streaming for the rollup
 * queue: they spare the database a DISTINCT over every staged row (about a second per million rows). The ids
 * are the reference index's own strings, the same objects row after row, so remembering a key allocates
 * nothing per row. Past `limit` keys the collection gives up and the database computes them instead, so
 * memory stays bounded whatever the file.
 */
export const KEY_SEPARATOR = '\u001f';

export class RollupKeys {
  private readonly byDay = new Map<string, Map<string, Set<string>>>();
  private day = '';
  private metrics: Map<string, Set<string>> | null = null;
  private count = 0;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  add(day: string, metricId: string, seriesId: string): void {
    if (this.overflowed) return;
    // Rows come grouped by time: the day's map is usually the one of the row before.
    if (this.metrics === null || day !== this.day) {
      this.day = day;
      this.metrics = this.byDay.get(day) ?? new Map<string, Set<string>>();
      this.byDay.set(day, this.metrics);
    }
    let series = this.metrics.get(metricId);
    if (!series) this.metrics.set(metricId, (series = new Set()));
    if (series.has(seriesId)) return;
    series.add(seriesId);
    if (++this.count > this.limit) {
      this.overflowed = true;
      this.byDay.clear();
      this.metrics = null;
    }
  }

  /** One line per key, series, metric and day separated by \x1f; null when there were too many to keep. */
  lines(): string | null {
    if (this.overflowed) return null;
    // Appended to one string (V8 joins the pieces once): no array of small strings next to it.
    let out = '';
    for (const [day, metrics] of this.byDay)
      for (const [metric, series] of metrics)
        for (const s of series)
          out += `${out === '' ? '' : '\n'}${s}${KEY_SEPARATOR}${metric}${KEY_SEPARATOR}${day}`;
    return out;
  }
}
