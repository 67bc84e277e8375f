import { jobsByName } from '../define-job.js';
import { applyStoragePoliciesJob } from '../jobs/apply-storage-policies.js';

export const maintenanceJobs = jobsByName(applyStoragePoliciesJob);
