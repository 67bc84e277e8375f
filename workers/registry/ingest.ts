import { jobsByName } from '../define-job.js';
import { ingestDispatchJob } from '../jobs/ingest-dispatch.js';
import { ingestFileJob } from '../jobs/ingest-file.js';
import { ingestSourceJob } from '../jobs/ingest-source.js';

export const ingestJobs = jobsByName(ingestDispatchJob, ingestSourceJob, ingestFileJob);
