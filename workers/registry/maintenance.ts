import { jobsByName } from '../define-job.js';

export const maintenanceJobs = jobsByName();
