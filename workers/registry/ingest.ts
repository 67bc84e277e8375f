import { jobsByName } from '../define-job.js';
import { ingestFileJob } from '../jobs/ingest-file.js';

export const ingestJobs = jobsByName(ingestFileJob);
