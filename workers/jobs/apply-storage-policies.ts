/** Daily: (re)applies compression and retention from configuration; in plain mode drops expired partitions. */
import { z } from 'zod';
import { applyStoragePolicies } from '../../services/store/storage-policies.js';
import { defineJob } from '../define-job.js';

export const applyStoragePoliciesJob = defineJob({
  name: 'apply-storage-policies',
  queue: 'maintenance',
  schema: z.object({}),
  async handle(_payload, ctx) {
    const report = await applyStoragePolicies(ctx.db, ctx.config, ctx.clock.now());
    if (report.droppedPartitions.length > 0)
      ctx.logger.info({ dropped: report.droppedPartitions }, 'raw partitions dropped by retention');
    return report;
  },
});
