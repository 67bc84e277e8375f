/** Prometheus series of the HJ 212 receiver, per device (MN) where it helps an operator find the one at fault. */
import { counter, gauge, histogram } from '../../metrics/metrics.js';

export const hj212Metrics = {
  packets: counter(
    'envwatch_hj212_packets_total',
    ['mn', 'outcome'],
    'HJ 212 packets framed by this process, by device and outcome (data, other, refused)',
  ),
  rows: counter(
    'envwatch_hj212_rows_total',
    ['mn'],
    'Values HJ 212 devices delivered to the ingest path, by device',
  ),
  refusals: counter(
    'envwatch_hj212_refusals_total',
    ['mn', 'reason'],
    'HJ 212 packets refused, by device (or "unknown") and reason code',
  ),
  crcVariants: counter(
    'envwatch_hj212_crc_variant_total',
    ['mn', 'variant'],
    'CRC variant each device used (standard = HJ 212 App. A, modbus = CRC-16/MODBUS)',
  ),
  lastSeen: gauge(
    'envwatch_hj212_last_seen_seconds',
    ['mn', 'version'],
    'Unix time of the last packet from each device',
  ),
  notStored: counter(
    'envwatch_hj212_values_not_stored_total',
    ['reason'],
    'Values not stored: factor without a metric (unmapped) or command period not the metric resolution',
  ),
  garbageBytes: counter('envwatch_hj212_garbage_bytes_total', [], 'Bytes skipped between HJ 212 packets'),
  disconnects: counter(
    'envwatch_hj212_disconnects_total',
    ['reason'],
    'Connections the receiver closed, by reason (idle, flood, overflow, capacity)',
  ),
  connections: gauge('envwatch_hj212_connections', [], 'Open HJ 212 device connections'),
  ackSeconds: histogram(
    'envwatch_hj212_ack_seconds',
    [],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    'Time from a data packet framed to its 9014 written (the commit round included)',
  ),
};

type Outcome = 'data' | 'other' | 'refused';

interface DeviceTally {
  outcomes: Record<Outcome, number>;
  rows: number;
  variants: Map<string, number>;
  refusals: Map<string, number>;
  /** The version and Unix seconds of the newest accepted packet, for the last-seen gauge. */
  seen: { version: string; at: number } | null;
}

/**
 * The per-device series above, gathered between two flushes. Five labelled updates per packet (each hashes
 * its labels) were ~2.5 % of the receiver's CPU under bench:hj212; a packet now costs a map lookup and the
 * commit round flushes what it gathered (at most HJ212_COMMIT_DELAY_MS after the packet), so /metrics lags
 * by no more than a round.
 */
export class MetricTally {
  private byMn = new Map<string, DeviceTally>();

  private of(mn: string): DeviceTally {
    let t = this.byMn.get(mn);
    if (!t) {
      t = {
        outcomes: { data: 0, other: 0, refused: 0 },
        rows: 0,
        variants: new Map(),
        refusals: new Map(),
        seen: null,
      };
      this.byMn.set(mn, t);
    }
    return t;
  }

  accepted(mn: string, version: string, variant: string, atSeconds: number): void {
    const t = this.of(mn);
    t.variants.set(variant, (t.variants.get(variant) ?? 0) + 1);
    t.seen = { version, at: atSeconds };
  }

  packet(mn: string, outcome: Outcome, rows = 0): void {
    const t = this.of(mn);
    t.outcomes[outcome] += 1;
    t.rows += rows;
  }

  refused(mn: string | null, reason: string): void {
    const t = this.of(mn ?? 'unknown');
    t.outcomes.refused += 1;
    t.refusals.set(reason, (t.refusals.get(reason) ?? 0) + 1);
  }

  flush(): void {
    if (this.byMn.size === 0) return;
    const m = hj212Metrics;
    for (const [mn, t] of this.byMn) {
      for (const outcome of ['data', 'other', 'refused'] as const) {
        if (t.outcomes[outcome] > 0) m.packets.inc({ mn, outcome }, t.outcomes[outcome]);
      }
      if (t.rows > 0) m.rows.inc({ mn }, t.rows);
      for (const [variant, n] of t.variants) m.crcVariants.inc({ mn, variant }, n);
      for (const [reason, n] of t.refusals) m.refusals.inc({ mn, reason }, n);
      if (t.seen) m.lastSeen.set({ mn, version: t.seen.version }, t.seen.at);
    }
    this.byMn = new Map();
  }
}
