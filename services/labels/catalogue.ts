/**
 * The one catalogue of the words for states the whole product shows: a target's verdict, an alert's state
 * and severity, a heavy-pollution warning level, a delivery channel. Rules' explanations, alert texts,
 * e-mails, the ack page, reports and the dashboard all quote these, so an official reads the same word for
 * the same fact everywhere (they had drifted: 已达标 in alerts, 达标 elsewhere — see docs/decisions.md).
 *
 * A leaf module: it imports nothing from a domain folder, so every layer may use it without a cycle. Only
 * words for states live here; the sentences around them stay with their owners. The words themselves are
 * data (catalogue.json): one table to edit, and a translator can read it without reading TypeScript.
 *  - 达标 is the plans' own verdict word (稳定达标, 达标率).
 *  - A firing alert is 待确认: acknowledging it is what the official is asked to do.
 *  - Warning levels carry the grade the emergency plan pairs with each colour (red is 一级).
 */
import catalogue from './catalogue.json' with { type: 'json' };

export type LabelLanguage = 'zh' | 'en';

export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}

type Table<K extends string> = Readonly<Record<K, Bilingual>>;

export type TargetStatusKey = 'met' | 'at_risk' | 'breached' | 'insufficient_data';
export type AlertStateKey = 'firing' | 'acknowledged' | 'resolved' | 'closed';
export type SeverityKey = 'critical' | 'warning' | 'notice';
export type WarningLevelKey = 'blue' | 'yellow' | 'orange' | 'red';
export type ChannelKey = 'email' | 'sms';
/** A unit's monthly progress on a task (issue 16), in the words the plans' 调度 uses. */
export type TaskProgressKey = 'not_started' | 'in_progress' | 'done' | 'late' | 'not_applicable';

// The annotations make tsc check the JSON: a key missing from a table is a compile error here.
export const TARGET_STATUS_LABELS: Table<TargetStatusKey> = catalogue.targetStatus;
export const ALERT_STATE_LABELS: Table<AlertStateKey> = catalogue.alertState;
export const SEVERITY_LABELS: Table<SeverityKey> = catalogue.severity;
export const WARNING_LEVEL_LABELS: Readonly<Record<WarningLevelKey, Bilingual & { grade: string }>> =
  catalogue.warningLevel;
export const CHANNEL_LABELS: Table<ChannelKey> = catalogue.channel;
export const TASK_PROGRESS_LABELS: Table<TaskProgressKey> = catalogue.taskProgress;

/**
 * The label of a key read from stored rows or payloads, where the type says string: an unknown key shows
 * as itself rather than as a blank, so a new state is visible before its words are added here.
 */
export function labelOf<K extends string>(table: Table<K>, key: string): Bilingual {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key as K] : { zh: key, en: key };
}

/** The dashboard starts its badges with a capital in English ("Met", "Awaiting acknowledgement"). */
export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
