/** Prometheus series of the HJ 212 receiver, per device (MN) where it helps an operator find the one at fault. */
import { Counter, Gauge, Histogram } from 'prom-client';
import { registry } from '../../metrics/metrics.js';

export const hj212Metrics = {
  packets: new Counter({
    name: 'envwatch_hj212_packets_total',
    help: 'HJ 212 packets framed by this process, by device and outcome (data, other, refused)',
    labelNames: ['mn', 'outcome'] as const,
    registers: [registry],
  }),
  rows: new Counter({
    name: 'envwatch_hj212_rows_total',
    help: 'Values HJ 212 devices delivered to the ingest path, by device',
    labelNames: ['mn'] as const,
    registers: [registry],
  }),
  refusals: new Counter({
    name: 'envwatch_hj212_refusals_total',
    help: 'HJ 212 packets refused, by device (or "unknown") and reason code',
    labelNames: ['mn', 'reason'] as const,
    registers: [registry],
  }),
  crcVariants: new Counter({
    name: 'envwatch_hj212_crc_variant_total',
    help: 'CRC variant each device used (standard = HJ 212 App. A, modbus = CRC-16/MODBUS)',
    labelNames: ['mn', 'variant'] as const,
    registers: [registry],
  }),
  lastSeen: new Gauge({
    name: 'envwatch_hj212_last_seen_seconds',
    help: 'Unix time of the last packet from each device',
    labelNames: ['mn', 'version'] as const,
    registers: [registry],
  }),
  notStored: new Counter({
    name: 'envwatch_hj212_values_not_stored_total',
    help: 'Values not stored: factor without a metric (unmapped) or command period not the metric resolution',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  garbageBytes: new Counter({
    name: 'envwatch_hj212_garbage_bytes_total',
    help: 'Bytes skipped between HJ 212 packets',
    registers: [registry],
  }),
  disconnects: new Counter({
    name: 'envwatch_hj212_disconnects_total',
    help: 'Connections the receiver closed, by reason (idle, flood, overflow, capacity)',
    labelNames: ['reason'] as const,
    registers: [registry],
  }),
  connections: new Gauge({
    name: 'envwatch_hj212_connections',
    help: 'Open HJ 212 device connections',
    registers: [registry],
  }),
  ackSeconds: new Histogram({
    name: 'envwatch_hj212_ack_seconds',
    help: 'Time from a data packet framed to its 9014 written (the commit round included)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5],
    registers: [registry],
  }),
};
