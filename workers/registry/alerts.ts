import { jobsByName } from '../define-job.js';
import { alertSweepJob } from '../jobs/alert-sweep.js';
import { pollSmsReceiptsJob } from '../jobs/poll-sms-receipts.js';
import { relayOutboxJob } from '../jobs/relay-outbox.js';
import { sendDeliveryJob } from '../jobs/send-delivery.js';
import { syncAlertJob } from '../jobs/sync-alert.js';

export const alertJobs = jobsByName(
  syncAlertJob,
  relayOutboxJob,
  sendDeliveryJob,
  alertSweepJob,
  pollSmsReceiptsJob,
);
