import { jobsByName } from '../define-job.js';
import { refreshRollupsJob } from '../jobs/refresh-rollups.js';

export const storeJobs = jobsByName(refreshRollupsJob);
