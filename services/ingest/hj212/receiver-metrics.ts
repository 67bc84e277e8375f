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
