import { jobsByName } from '../define-job.js';
import { emailReportJob } from '../jobs/email-report.js';
import { planReportsJob } from '../jobs/plan-reports.js';
import { produceReportJob } from '../jobs/produce-report.js';

export const reportJobs = jobsByName(planReportsJob, produceReportJob, emailReportJob);
