/**
 * Every job the workers run, by name. Each domain keeps its own slice (workers/registry/*.ts) so that
 * adding a job touches one small file; enqueueing an unknown name or a wrong payload is a compile error.
 */
import type { z } from 'zod';
import type { MESSAGE_KINDS, MessageName } from '../services/outbox/messages.js';
import { alertJobs } from './registry/alerts.js';
import { ingestJobs } from './registry/ingest.js';
import { maintenanceJobs } from './registry/maintenance.js';
import { reportJobs } from './registry/reports.js';
import { storeJobs } from './registry/store.js';
import { targetJobs } from './registry/targets.js';

/**
 * Every message kind of the outbox catalogue (services/outbox/messages.ts) has a job here with the kind's
 * payload schema (the jobs spread the kind, queue included): a message nobody consumes, or a job whose payload drifted from
 * what its senders build, is a compile error.
 */
type CataloguedJobs = {
  [K in MessageName]: {
    name: K;
    schema: (typeof MESSAGE_KINDS)[K]['schema'];
  };
};

export const registry = {
  ...ingestJobs,
  ...storeJobs,
  ...targetJobs,
  ...alertJobs,
  ...reportJobs,
  ...maintenanceJobs,
} satisfies CataloguedJobs;

export type Registry = typeof registry;
export type JobName = keyof Registry;
export type JobPayload<N extends JobName> = z.input<Registry[N]['schema']>;
