/**
 * How the task messages name a task: as the plan writes it, with the id in brackets after it —
 * 加强扬尘污染管控（TZ21-AIR-003） — where they listed ids an official cannot read (TZ24-SOIL-032). The
 * name is the row's 重点任务; a row whose 重点任务 cell the seed lost (96 of the 699 rows, mostly merged
 * cells) is named by its heading without the number (一、空气质量目标 → 空气质量目标), else by its first
 * measure, shortened. An SMS has 35 characters for a variable (SMS_VARIABLE_MAX): the name is shortened so
 * that the id and the rest of the sentence still fit, instead of the id being cut off the end.
 */
import { SMS_VARIABLE_MAX } from '../notify/sms-templates.js';

export interface NamedTask {
  id: string;
  /** envwatch_task_name (migration 0150): the 重点任务, or what stands for it; '' when the row has nothing. */
  name_zh: string;
}

/** Longest name a list line or a subject carries; the full name is in the task's own message body. */
export const NAME_MAX = 30;

const chars = (s: string) => [...s];

/**
 * `name` in at most `max` characters: whole up to there; else up to its last clause break (，；。：) when that
 * keeps a third of it, so a name ends on a phrase (not inside “严、真、细…”); else cut with "…".
 */
export function shortenName(name: string, max: number): string {
  const c = chars(name.trim());
  if (c.length <= max) return c.join('');
  const head = c.slice(0, max - 1);
  const cut = Math.max(...['，', '；', '。', '：', ','].map((p) => head.lastIndexOf(p)));
  return cut >= Math.ceil(max / 3) ? `${head.slice(0, cut).join('')}…` : `${head.join('')}…`;
}

/** 名称（ID）, the name at most `max` characters; the id alone when the row has no name. */
export function taskLabel(t: NamedTask, max = NAME_MAX): string {
  return t.name_zh.trim() === '' ? t.id : `${shortenName(t.name_zh, max)}（${t.id}）`;
}

/** The English messages quote the plan's Chinese name too (the plan has no other): 名称 (ID). */
export function taskLabelEn(t: NamedTask, max = NAME_MAX): string {
  return t.name_zh.trim() === '' ? t.id : `${shortenName(t.name_zh, max)} (${t.id})`;
}

/**
 * An SMS `what`: `${label}${rest}` in at most SMS_VARIABLE_MAX characters, the name shortened to what the id
 * and `rest` leave; the id alone when that is under 4 characters (a name of 1–3 characters says nothing), as
 * in most English ones, whose words take the room.
 */
export function smsTaskWhat(t: NamedTask, rest: string, en = false): string {
  const bracketed = en ? ` (${t.id})` : `（${t.id}）`;
  const room = SMS_VARIABLE_MAX - chars(bracketed).length - chars(rest).length;
  if (t.name_zh.trim() === '' || room < 4) return `${en ? '' : '任务'}${t.id}${rest}`;
  return `${shortenName(t.name_zh, room)}${bracketed}${rest}`;
}
