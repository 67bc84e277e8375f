import { jobsByName } from '../define-job.js';
import { evaluateTargetsJob } from '../jobs/evaluate-targets.js';

export const targetJobs = jobsByName(evaluateTargetsJob);
