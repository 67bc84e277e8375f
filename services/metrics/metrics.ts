/**
 * The Prometheus registry and the metrics other modules record into, e.g. `metrics.rowsIngested.inc({ source }, n)`
 * from an ingest adapter or `metrics.evaluationSeconds.observe(s)` from the targets engine. Counters in this
 * module count what this process did; the gauges of ./db-gauges.ts read the shared state (PostgreSQL ledgers,
 * BullMQ queues) at scrape time, so a scrape of any API replica sees the whole installation.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'envwatch_' });

/*
 * Every envwatch metric is declared in the one registry the /metrics route exposes; these three say so once
 * instead of at each declaration. Arguments read as the series does in Prometheus: the name in full (so a
 * dashboard's series can be grepped here), the label names an operator filters by ([] = a single series), and
 * the help text last.
 */
export function counter<L extends string>(name: string, labelNames: readonly L[], help: string) {
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

export function gauge<L extends string>(name: string, labelNames: readonly L[], help: string) {
  return new Gauge<L>({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  name: string,
  labelNames: readonly L[],
  buckets: number[],
  help: string,
) {
  return new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] });
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const metrics = {
  rowsIngested: counter(
    'envwatch_rows_ingested_total',
    ['source'],
    'Measurement rows accepted by ingestion in this process (inserted, updated or unchanged)',
  ),
  rowsRefused: counter(
    'envwatch_rows_refused_total',
    ['source', 'reason'],
    'Measurement rows refused by validation in this process, by reason code',
  ),
  jobFailures: counter(
    'envwatch_job_failures_total',
    ['queue', 'job'],
    'BullMQ job attempts that failed in this process',
  ),
  jobSeconds: histogram(
    'envwatch_job_duration_seconds',
    ['queue', 'job'],
    SECONDS_BUCKETS,
    'Duration of successful BullMQ jobs in this process',
  ),
  evaluationSeconds: histogram(
    'envwatch_evaluation_duration_seconds',
    [],
    SECONDS_BUCKETS,
    'Time to evaluate the targets affected by one evaluation run',
  ),
  deliveryOutcomes: counter(
    'envwatch_delivery_outcomes_total',
    ['channel', 'outcome'],
    'Delivery attempts made by this process, by channel and outcome (sent, temporary_failure, permanent_failure)',
  ),
  scheduleSlots: counter(
    'envwatch_schedule_slots_total',
    ['schedule', 'outcome'],
    "Cron slots whose enqueue failed at first, by what became of them in this process: recovered (enqueued after a retry or at a later tick), carried (let go for the next tick), dropped (not enqueued within its claim's hour, or refused as invalid)",
  ),
  httpSeconds: histogram(
    'envwatch_http_request_duration_seconds',
    ['method', 'route', 'status'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    'HTTP request duration by route pattern and status class',
  ),
};

/** Gauges filled from shared state just before each scrape (see db-gauges.ts). */
export const stateGauges = {
  queueJobs: gauge(
    'envwatch_queue_jobs',
    ['queue', 'state'],
    'BullMQ jobs per queue and state (waiting, active, delayed, prioritized, failed, waiting-children)',
  ),
  ingestRows: gauge(
    'envwatch_ingest_ledger_rows',
    ['outcome'],
    'Rows recorded in the ingest_batch ledger since the start, by outcome (all processes; rises like a counter)',
  ),
  refusedOpen: gauge(
    'envwatch_refused_rows_open',
    [],
    'Refused rows waiting to be fixed and re-processed, or discarded',
  ),
  deliveryAttempts: gauge(
    'envwatch_delivery_attempts',
    ['channel', 'outcome'],
    'Delivery attempts recorded since the start, by channel and outcome (all processes; rises like a counter)',
  ),
  deliveries: gauge(
    'envwatch_deliveries',
    ['channel', 'status'],
    'Delivery rows by channel and current status',
  ),
  alertsOpen: gauge(
    'envwatch_alerts_open',
    ['severity', 'state'],
    'Alerts firing or acknowledged, by severity and state',
  ),
  sourceAge: gauge(
    'envwatch_source_last_success_age_seconds',
    ['source'],
    'Seconds since each ingest source last succeeded',
  ),
  evaluationAge: gauge(
    'envwatch_evaluation_last_age_seconds',
    [],
    'Seconds since the last target evaluation was stored',
  ),
  scrapeErrors: gauge(
    'envwatch_metrics_source_up',
    ['source'],
    '1 when the last scrape could read the source (postgres, redis), 0 otherwise',
  ),
};
