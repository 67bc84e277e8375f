/**
 * The Prometheus registry and the metrics other modules record into, e.g. `metrics.rowsIngested.inc({ source }, n)`
 * from an ingest adapter or `metrics.evaluationSeconds.observe(s)` from the targets engine. Counters in this
 * module count what this process did; the gauges of ./db-gauges.ts read the shared state (PostgreSQL ledgers,
 * BullMQ queues) at scrape time, so a scrape of any API replica sees the whole installation.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'envwatch_' });

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const metrics = {
  rowsIngested: new Counter({
    name: 'envwatch_rows_ingested_total',
    help: 'Measurement rows accepted by ingestion in this process (inserted, updated or unchanged)',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  rowsRefused: new Counter({
    name: 'envwatch_rows_refused_total',
    help: 'Measurement rows refused by validation in this process, by reason code',
    labelNames: ['source', 'reason'] as const,
    registers: [registry],
  }),
  jobFailures: new Counter({
    name: 'envwatch_job_failures_total',
    help: 'BullMQ job attempts that failed in this process',
    labelNames: ['queue', 'job'] as const,
    registers: [registry],
  }),
  jobSeconds: new Histogram({
    name: 'envwatch_job_duration_seconds',
    help: 'Duration of successful BullMQ jobs in this process',
    labelNames: ['queue', 'job'] as const,
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  }),
  evaluationSeconds: new Histogram({
    name: 'envwatch_evaluation_duration_seconds',
    help: 'Time to evaluate the targets affected by one evaluation run',
    buckets: SECONDS_BUCKETS,
    registers: [registry],
  }),
  deliveryOutcomes: new Counter({
    name: 'envwatch_delivery_outcomes_total',
    help: 'Delivery attempts made by this process, by channel and outcome (sent, temporary_failure, permanent_failure)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  }),
  httpSeconds: new Histogram({
    name: 'envwatch_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern and status class',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
};

/** Gauges filled from shared state just before each scrape (see db-gauges.ts). */
export const stateGauges = {
  queueJobs: new Gauge({
    name: 'envwatch_queue_jobs',
    help: 'BullMQ jobs per queue and state (waiting, active, delayed, prioritized, failed, waiting-children)',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
  }),
  ingestRows: new Gauge({
    name: 'envwatch_ingest_ledger_rows',
    help: 'Rows recorded in the ingest_batch ledger since the start, by outcome (all processes; rises like a counter)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  refusedOpen: new Gauge({
    name: 'envwatch_refused_rows_open',
    help: 'Refused rows waiting to be fixed and re-processed, or discarded',
    registers: [registry],
  }),
  deliveryAttempts: new Gauge({
    name: 'envwatch_delivery_attempts',
    help: 'Delivery attempts recorded since the start, by channel and outcome (all processes; rises like a counter)',
    labelNames: ['channel', 'outcome'] as const,
    registers: [registry],
  }),
  deliveries: new Gauge({
    name: 'envwatch_deliveries',
    help: 'Delivery rows by channel and current status',
    labelNames: ['channel', 'status'] as const,
    registers: [registry],
  }),
  alertsOpen: new Gauge({
    name: 'envwatch_alerts_open',
    help: 'Alerts firing or acknowledged, by severity and state',
    labelNames: ['severity', 'state'] as const,
    registers: [registry],
  }),
  sourceAge: new Gauge({
    name: 'envwatch_source_last_success_age_seconds',
    help: 'Seconds since each ingest source last succeeded',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
  evaluationAge: new Gauge({
    name: 'envwatch_evaluation_last_age_seconds',
    help: 'Seconds since the last target evaluation was stored',
    registers: [registry],
  }),
  scrapeErrors: new Gauge({
    name: 'envwatch_metrics_source_up',
    help: '1 when the last scrape could read the source (postgres, redis), 0 otherwise',
    labelNames: ['source'] as const,
    registers: [registry],
  }),
};
