/**
 * Who reported a task's progress or an indicator's value, and through which door (the form, the API, the
 * 台账 import, the CLI, the demo): the columns every reported row of the plans' tasks carries.
 */
import type { Actor } from '../auth/audit-log.js';

export type ReportVia = 'api' | 'web' | 'xlsx' | 'cli' | 'demo';

export interface Reporter {
  reportedBy: string;
  reportedById: number | null;
  via: ReportVia;
}

export function reporterOf(actor: Actor, via: ReportVia): Reporter {
  return { reportedBy: actor.name, reportedById: actor.id, via };
}
