/**
 * `envwatch indicator <set|list>`: the manual-entry indicators (issue 16 item 4) from the command line — a
 * bureau clerk keying in a unit's paper return, or a script. `set` goes through the API's verb
 * (tasks/indicators/report-indicator.ts): the same checks (a reported_value target of the month's year, the
 * unit that reports it for the scope, a month that has begun, a value in the metric's plausible range), the
 * same errors, the value, its evaluation queue row and its audit row (`cli:<os user>`) in one transaction.
 * The running service's evaluate-targets schedule (every 5 minutes) turns it into a verdict.
 */
import { listIndicators } from '../../tasks/indicators/indicator-queries.js';
import { reportIndicator } from '../../tasks/indicators/report-indicator.js';
import { monthSchema } from '../../tasks/report-progress.js';
import { ValidationError } from '../../errors.js';
import { buildUnitIndicators } from '../../api/views/unit-indicators.js';
import { monthKey, systemClock, toShanghaiDay } from '../../time/shanghai.js';
import { cliPrincipal, type CommandRun } from '../command.js';
import { registryCommand } from '../registry-command.js';
import type pg from 'pg';

const USAGE = `usage:
  envwatch indicator set --target <target id, e.g. TZ24-OPS-02> --period <YYYY-MM> --value <number>
                         [--scope <district or street/town id>] [--unit-id <unit id>] [--note <进展说明>]
      --scope is needed when the target is reported per street/town; --unit-id defaults to the unit that
      reports the target for that scope.
  envwatch indicator list [--period <YYYY-MM>] [--unit-id <unit id>]
      the indicators to report for the month (default: this month), with the value and the verdict`;

const OPTIONS = {
  target: { type: 'string' },
  scope: { type: 'string' },
  period: { type: 'string' },
  value: { type: 'string' },
  'unit-id': { type: 'string' },
  note: { type: 'string' },
} as const;

function assertPeriod(period: string | undefined, fallback: string | null): string {
  const p = period ?? fallback;
  if (p === null) throw new ValidationError(`--period is required (YYYY-MM, e.g. 2024-05)\n${USAGE}`);
  if (!monthSchema.safeParse(p).success)
    throw new ValidationError(`--period "${p}": expected a month YYYY-MM, e.g. 2024-05`);
  return p;
}

/** The unit that reports `targetId` for the scope, when the caller did not name one. */
async function reportingUnit(
  pool: pg.Pool,
  targetId: string,
  period: string,
  scope?: string,
): Promise<string> {
  const all = await listIndicators(pool, { unitId: null, year: Number(period.slice(0, 4)), targetId });
  // No such indicator: the verb names what is wrong (its error, not a second wording here).
  if (all.length === 0) return '';
  const candidates = all.filter((i) => scope === undefined || i.scope_id === scope);
  if (candidates.length === 1) return candidates[0]!.unit_id;
  const scopes = all.map((i) => i.scope_id).join(', ');
  throw new ValidationError(
    candidates.length === 0
      ? `${targetId} has no scope "${scope}" in ${period.slice(0, 4)} (scopes: ${scopes})`
      : `${targetId} is reported per street/town: name one with --scope (${scopes})`,
  );
}

export const run: CommandRun = registryCommand<typeof OPTIONS, 'set' | 'list'>(USAGE, OPTIONS, {
  async set({ pool, v, out, actor }) {
    if (!v.target) throw new ValidationError(`--target is required\n${USAGE}`);
    if (v.value === undefined) throw new ValidationError(`--value is required (a number)\n${USAGE}`);
    const period = assertPeriod(v.period, null);
    const unitId = v['unit-id'] ?? (await reportingUnit(pool, v.target, period, v.scope));
    const { indicator, value } = await reportIndicator(pool, actor, cliPrincipal(actor), {
      targetId: v.target,
      unitId,
      month: period,
      input: { value: v.value, note: v.note, scope: v.scope },
      via: 'cli',
      today: toShanghaiDay(systemClock.now()),
    });
    out(
      `${indicator.target_id} ${indicator.scope_zh} ${period}: ${indicator.metric_zh} ${value.value} ${indicator.unit_zh}` +
        `（${indicator.unit_name_zh}） stored; queued for evaluation`,
    );
  },
  async list({ pool, v, out }) {
    const month = assertPeriod(v.period, monthKey(toShanghaiDay(systemClock.now())));
    const rows = await buildUnitIndicators(pool, { unitId: v['unit-id'] ?? null, month });
    if (rows.length === 0) out(`no manual indicators for ${month}`);
    for (const i of rows) {
      const bound = [i.min !== null ? `≥${i.min}` : '', i.max !== null ? `≤${i.max}` : ''].join('');
      const shown =
        i.reported === null
          ? '未上报 not reported'
          : `${i.reported.value}${i.reported.prefilled ? `（${i.reported.month} 的值 last value）` : ''}`;
      out(
        `${i.target_id}\t${i.scope_id}\t${i.unit_id}\t${i.metric_zh} ${bound} ${i.unit_zh}\t${shown}\t${i.status ?? '未评估 not evaluated'}`,
      );
    }
  },
});
