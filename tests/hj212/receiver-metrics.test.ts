/**
 * The receiver's per-device metric tally: a packet is counted in a map and the commit round flushes the
 * counts to the Prometheus series (one labelled update per device and round, not five per packet).
 */
import { describe, expect, it } from 'vitest';
import { hj212Metrics, MetricTally } from '../../services/ingest/hj212/receiver-metrics.js';

async function valueOf(
  metric: { get(): Promise<{ values: { labels: Record<string, string | number>; value: number }[] }> },
  labels: Record<string, string>,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
}

describe('MetricTally', () => {
  it('adds what it gathered to the per-device series on flush, and only then', async () => {
    const tally = new MetricTally();
    const mn = `TALLY${Date.now()}`;
    tally.accepted(mn, '2017', 'standard', 1_800_000_000);
    tally.packet(mn, 'data', 4);
    tally.accepted(mn, '2017', 'modbus', 1_800_000_060);
    tally.packet(mn, 'data', 3);
    tally.accepted(mn, '2017', 'standard', 1_800_000_120);
    tally.packet(mn, 'other');
    tally.refused(mn, 'HJ212_BAD_PASSWORD');
    tally.refused(null, 'HJ212_BAD_CRC');
    expect(await valueOf(hj212Metrics.packets, { mn, outcome: 'data' })).toBeUndefined();

    tally.flush();
    expect(await valueOf(hj212Metrics.packets, { mn, outcome: 'data' })).toBe(2);
    expect(await valueOf(hj212Metrics.packets, { mn, outcome: 'other' })).toBe(1);
    expect(await valueOf(hj212Metrics.packets, { mn, outcome: 'refused' })).toBe(1);
    expect(await valueOf(hj212Metrics.rows, { mn })).toBe(7);
    expect(await valueOf(hj212Metrics.crcVariants, { mn, variant: 'standard' })).toBe(2);
    expect(await valueOf(hj212Metrics.crcVariants, { mn, variant: 'modbus' })).toBe(1);
    expect(await valueOf(hj212Metrics.refusals, { mn, reason: 'HJ212_BAD_PASSWORD' })).toBe(1);
    expect(await valueOf(hj212Metrics.refusals, { mn: 'unknown', reason: 'HJ212_BAD_CRC' })).toBeGreaterThan(
      0,
    );
    expect(await valueOf(hj212Metrics.lastSeen, { mn, version: '2017' })).toBe(1_800_000_120);

    // A second flush adds only what came since.
    tally.packet(mn, 'data', 4);
    tally.flush();
    tally.flush();
    expect(await valueOf(hj212Metrics.packets, { mn, outcome: 'data' })).toBe(3);
    expect(await valueOf(hj212Metrics.rows, { mn })).toBe(11);
  });
});
