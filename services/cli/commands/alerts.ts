/**
 * `envwatch alerts [list | ack <id> [--by <name>] [--comment <text>] | sweep | sms-templates]`:
 * the operator's view of the alerts domain. `list` shows the open alerts; `ack` acknowledges one as a
 * named person (the same verb as the e-mail link and the API); `sweep` runs the minute sweep once, now;
 * `sms-templates` prints every SMS template as a phone would show it with long values, and its length,
 * for filing with the provider.
 */
import { parseArgs } from 'node:util';
import { alertDeps } from '../../alerts/alert-deps.js';
import { acknowledgeAlert } from '../../alerts/lifecycle.js';
import { runAlertSweep } from '../../alerts/sweep.js';
import { createPool } from '../../db/pool.js';
import { ValidationError } from '../../errors.js';
import {
  parseTemplateCodes,
  renderSms,
  SMS_TEMPLATES,
  type SmsTemplateName,
} from '../../notify/sms-templates.js';
import { createAppContext } from '../../runtime/app-context.js';
import { formatShanghai } from '../../time/shanghai.js';
import type { CommandContext, CommandRun } from '../command.js';

const SAMPLE = {
  scope: '于家务回族乡',
  target: '各街道乡镇全年进入全市PM2.5月均浓度后30名的频次同比下降',
  period: '2024-Q1',
  status: '未达标',
  hours: '24',
  deadline: '2024-12-31',
  area: '北苑街道、中仓街道、玉桥街道、新华街道',
  level: '橙色',
  time: '12月21日0时',
  what: '联系人gov_zhangjiawan.liaison短信发送失败',
  count: '12',
};

async function list({ config, out }: CommandContext): Promise<number> {
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const { rows } = await pool.query<{
      id: number;
      severity: string;
      state: string;
      title_zh: string;
      opened_at: Date;
      next_escalation_at: Date | null;
    }>(
      `SELECT id, severity, state, title_zh, opened_at, next_escalation_at FROM alert
        WHERE state IN ('firing', 'acknowledged') ORDER BY opened_at DESC LIMIT 200`,
    );
    if (rows.length === 0) out('no open alerts');
    for (const r of rows) {
      const next = r.next_escalation_at ? `, escalates ${formatShanghai(r.next_escalation_at)}` : '';
      out(`#${r.id} ${r.severity} ${r.state} ${formatShanghai(r.opened_at)}${next}  ${r.title_zh}`);
    }
    return 0;
  } finally {
    await pool.end();
  }
}

async function ack({ config, args, out }: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { by: { type: 'string' }, comment: { type: 'string' } },
  });
  const id = Number(positionals[0]);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new ValidationError('usage: envwatch alerts ack <id> --by <name> [--comment <text>]');
  if (!values.by) throw new ValidationError('say who acknowledges: --by <name>');
  const pool = createPool({ connectionString: config.DATABASE_URL, max: 1 });
  try {
    const r = await acknowledgeAlert(pool, {
      alertId: id,
      actor: `cli:${values.by}`,
      comment: values.comment ?? null,
      at: new Date(),
    });
    out(
      r.outcome === 'acknowledged'
        ? `alert #${id} acknowledged; ${r.cancelledDeliveries} pending message(s) dropped`
        : `alert #${id} was already acknowledged`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

async function sweep({ config, out }: CommandContext): Promise<number> {
  const ctx = createAppContext(config);
  try {
    const summary = await runAlertSweep(alertDeps(ctx), ctx.queues);
    for (const [k, v] of Object.entries(summary)) if (v > 0) out(`${k}: ${v}`);
    return 0;
  } finally {
    await ctx.close();
  }
}

function smsTemplates({ config, out }: CommandContext): number {
  const codes = parseTemplateCodes(config.SMS_TEMPLATE_CODES);
  for (const name of Object.keys(SMS_TEMPLATES) as SmsTemplateName[]) {
    for (const locale of ['zh-CN', 'en'] as const) {
      const r = renderSms(name, locale, SAMPLE, config.SMS_SIGN_NAME, codes);
      out(`${r.templateCode.padEnd(24)} ${String([...r.text].length).padStart(3)}/70  ${r.text}`);
    }
  }
  return 0;
}

export const run: CommandRun = async (ctx) => {
  const [sub = 'list', ...rest] = ctx.args;
  const next = { ...ctx, args: rest };
  switch (sub) {
    case 'list':
      return list(next);
    case 'ack':
      return ack(next);
    case 'sweep':
      return sweep(next);
    case 'sms-templates':
      return smsTemplates(next);
    default:
      throw new ValidationError(`unknown alerts command "${sub}" (list, ack, sweep, sms-templates)`);
  }
};
