import { jobsByName } from '../define-job.js';
import { alertSweepJob } from '../jobs/alert-sweep.js';
import { pollSmsReceiptsJob } from '../jobs/poll-sms-receipts.js';
import { relayOutboxJob } from '../jobs/relay-outbox.js';
import { sendDeliveryJob } from '../jobs/send-delivery.js';
import { syncAlertJob } from '../jobs/sync-alert.js';
import { taskDeadlineRemindersJob } from '../jobs/task-deadline-reminders.js';
import { taskOverdueJob } from '../jobs/task-overdue.js';
import { taskReportRemindersJob } from '../jobs/task-report-reminders.js';

export const alertJobs = jobsByName(
  syncAlertJob,
  relayOutboxJob,
  sendDeliveryJob,
  alertSweepJob,
  pollSmsReceiptsJob,
  taskOverdueJob,
  taskReportRemindersJob,
  taskDeadlineRemindersJob,
);
