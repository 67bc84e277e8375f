/**
 * The (series, metric, Shanghai day) keys of a bulk load's valid rows, gathered while streaming for the rollup
 * queue: they spare the database a DISTINCT over every loaded row (about three seconds per million rows). They
 * are kept as runs of consecutive days per series and metric, so a delivery in time order — a year of hourly
 * data for hundreds of stations — needs one run per series and metric, whatever its length. The ids are the
 * reference index's own strings, the same objects row after row, so remembering a key allocates nothing per
 * row. Past `limit` runs (a delivery in no order at all) the collection gives up and the database computes
 * the keys instead, so memory stays bounded whatever the file.
 */
export const KEY_SEPARATOR = '\u001f';

interface Run {
  from: string;
  to: string;
}

/** The day after a YYYY-MM-DD day (UTC arithmetic on the calendar date: no zone can shift it). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export class RollupKeys {
  private readonly byMetric = new Map<string, Map<string, Run[]>>();
  private lastMetricId = '';
  private lastMetric: Map<string, Run[]> | null = null;
  private count = 0;
  private overflowed = false;

  constructor(private readonly limit: number) {}

  add(day: string, metricId: string, seriesId: string): void {
    if (this.overflowed) return;
    if (this.lastMetric === null || metricId !== this.lastMetricId) {
      this.lastMetricId = metricId;
      this.lastMetric = this.byMetric.get(metricId) ?? new Map<string, Run[]>();
      this.byMetric.set(metricId, this.lastMetric);
    }
    let runs = this.lastMetric.get(seriesId);
    if (!runs) this.lastMetric.set(seriesId, (runs = []));
    const last = runs[runs.length - 1];
    // The common cases first: the same day as the row before for this series, or the next one.
    if (last && day === last.to) return;
    if (last && day > last.to && day === nextDay(last.to)) {
      last.to = day;
      return;
    }
    if (runs.some((r) => day >= r.from && day <= r.to)) return;
    runs.push({ from: day, to: day });
    if (++this.count > this.limit) {
      this.overflowed = true;
      this.byMetric.clear();
      this.lastMetric = null;
    }
  }

  /**
   * One line per run — series, metric, first and last day separated by \x1f — for queueRollupKeyRuns; null when
   * there were too many to keep. Runs may overlap (an earlier day arriving after a later run began): the
   * queue's key absorbs the repeats.
   */
  lines(): string | null {
    if (this.overflowed) return null;
    // Appended to one string (V8 joins the pieces once): no array of small strings next to it.
    let out = '';
    for (const [metric, bySeries] of this.byMetric)
      for (const [series, runs] of bySeries)
        for (const r of runs)
          out += `${out === '' ? '' : '\n'}${series}${KEY_SEPARATOR}${metric}${KEY_SEPARATOR}${r.from}${KEY_SEPARATOR}${r.to}`;
    return out;
  }
}
