/**
 * The catalogue of messages one part of the system sends another through the queues: for each kind its job
 * name, queue, payload schema and how its job id is made. Writers build messages here instead of spelling
 * names and ids by hand, from TypeScript (outbox rows, enqueue arguments) and from SQL (outbox rows written
 * by INSERT … SELECT). The jobs in workers/jobs take name, queue and schema from this file, and
 * workers/registry.ts fails to compile when a catalogued kind has no job.
 *
 * Two ways a kind avoids duplicates (both deterministic, so a second sender changes nothing):
 * - a job id per fact (`sync-alert` per evaluation, `send-delivery` per delivery and enqueue count) — BullMQ
 *   ignores an add whose id it still holds, and the outbox relay relies on that;
 * - a deduplication id per kind (`refresh-rollups`, `evaluate-targets`, `relay-outbox`) — a debounce: while
 *   one is waiting or running further requests are dropped, and the running one drains every queued key.
 */
import { z } from 'zod';
import type { OutboxMessage } from './outbox.js';

export const refreshRollupsMessage = {
  name: 'refresh-rollups',
  queue: 'rollups',
  schema: z.object({ reason: z.string().default('ingest') }),
} as const;

export const evaluateTargetsMessage = {
  name: 'evaluate-targets',
  queue: 'evaluate',
  schema: z.object({
    reason: z.string().default('schedule'),
    sweep: z.boolean().default(false),
  }),
} as const;

export const relayOutboxMessage = {
  name: 'relay-outbox',
  queue: 'alerts',
  schema: z.object({}),
} as const;

export const syncAlertMessage = {
  name: 'sync-alert',
  queue: 'alerts',
  schema: z.object({ evaluationId: z.number().int().positive() }),
} as const;

export const sendDeliveryMessage = {
  name: 'send-delivery',
  queue: 'deliveries',
  schema: z.object({
    deliveryId: z.number().int().positive(),
    // A group head's job may claim from this instant (epoch ms), before its window ends: the send lead
    // (notify/group-send-lead.ts). Absent (jobs queued before it existed, re-created ones): a second early.
    startAt: z.number().int().positive().optional(),
  }),
} as const;

/** Every catalogued kind, by job name (workers/registry.ts checks each has a job). */
export const MESSAGE_KINDS = {
  [refreshRollupsMessage.name]: refreshRollupsMessage,
  [evaluateTargetsMessage.name]: evaluateTargetsMessage,
  [relayOutboxMessage.name]: relayOutboxMessage,
  [syncAlertMessage.name]: syncAlertMessage,
  [sendDeliveryMessage.name]: sendDeliveryMessage,
} as const;
export type MessageName = keyof typeof MESSAGE_KINDS;

/** Arguments for `enqueue(...)`: name, payload, options — spread them into a typed Enqueue. */
type EnqueueArgs<N extends MessageName> = readonly [
  N,
  z.input<(typeof MESSAGE_KINDS)[N]['schema']>,
  { dedupeId: string },
];

/** Debounced: one waiting refresh drains every key queued until it runs (see workers/jobs/refresh-rollups.ts). */
export function refreshRollupsRequest(reason: string): EnqueueArgs<'refresh-rollups'> {
  return [refreshRollupsMessage.name, { reason }, { dedupeId: refreshRollupsMessage.name }];
}

/** Debounced like refresh-rollups; the job's own delay gathers the keys of a burst of batches. */
export function evaluateTargetsRequest(reason: string): EnqueueArgs<'evaluate-targets'> {
  return [evaluateTargetsMessage.name, { reason }, { dedupeId: evaluateTargetsMessage.name }];
}

export function relayOutboxRequest(): EnqueueArgs<'relay-outbox'> {
  return [relayOutboxMessage.name, {}, { dedupeId: relayOutboxMessage.name }];
}

/** One job per evaluation: the evaluation is immutable, so its alert sync needs to run once. */
export function syncAlertOutbox(evaluationId: number): OutboxMessage {
  return {
    queue: syncAlertMessage.queue,
    jobName: syncAlertMessage.name,
    jobId: `${syncAlertMessage.name}__${evaluationId}`,
    payload: { evaluationId },
  };
}

/** BullMQ keeps a finished job's id for a while: every (re)enqueue of a delivery gets a fresh job id. */
export function sendDeliveryOutbox(deliveryId: number, enqueued: number, startAt?: Date): OutboxMessage {
  return {
    queue: sendDeliveryMessage.queue,
    jobName: sendDeliveryMessage.name,
    jobId: `delivery__${deliveryId}__${enqueued}`,
    payload: startAt ? { deliveryId, startAt: startAt.getTime() } : { deliveryId },
    ...(startAt ? { runAt: startAt } : {}),
  };
}

/**
 * The columns (queue, job_name, job_id, payload) of a send-delivery outbox row for `INSERT INTO outbox …
 * SELECT`, the same message as sendDeliveryOutbox(). The arguments are SQL expressions written by the caller
 * (column names, literals), never user input; the constants are this catalogue's.
 */
export function sendDeliveryOutboxColumnsSql(deliveryIdSql: string, enqueuedSql: string): string {
  const { queue, name } = sendDeliveryMessage;
  return `'${queue}', '${name}', 'delivery__' || ${deliveryIdSql} || '__' || ${enqueuedSql}, jsonb_build_object('deliveryId', ${deliveryIdSql})`;
}
