/**
 * Every job the workers run, by name. Each domain keeps its own slice (workers/registry/*.ts) so that
 * adding a job touches one small file; enqueueing an unknown name or a wrong payload is a compile error.
 */
import type { z } from 'zod';
import { alertJobs } from './registry/alerts.js';
import { ingestJobs } from './registry/ingest.js';
import { maintenanceJobs } from './registry/maintenance.js';
import { reportJobs } from './registry/reports.js';
import { storeJobs } from './registry/store.js';
import { targetJobs } from './registry/targets.js';

export const registry = {
  ...ingestJobs,
  ...storeJobs,
  ...targetJobs,
  ...alertJobs,
  ...reportJobs,
  ...maintenanceJobs,
};

export type Registry = typeof registry;
export type JobName = keyof Registry;
export type JobPayload<N extends JobName> = z.input<Registry[N]['schema']>;
