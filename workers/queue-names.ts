/**
 * The queues. Work is split by how it scales and fails: ingestion (I/O to outside feeds), rollups and
 * evaluation (database-bound, debounced), alerts (state changes), deliveries (outside services with
 * their own rate limits), reports (CPU-heavy rendering) and maintenance.
 */
export const QUEUE_NAMES = [
  'ingest',
  'rollups',
  'evaluate',
  'alerts',
  'deliveries',
  'reports',
  'maintenance',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** BullMQ refuses ':' in custom job ids (it separates Redis key parts): build ids from parts with '__'. */
export function jobId(...parts: (string | number)[]): string {
  return parts.map((p) => String(p).replace(/[:\s]/g, '-')).join('__');
}
