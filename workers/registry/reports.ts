import { jobsByName } from '../define-job.js';

export const reportJobs = jobsByName();
