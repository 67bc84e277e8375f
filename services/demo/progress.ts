/**
 * What the demo prints: one progress line per replayed month while it runs, and the summary at the end.
 * Chinese first, English after it, so either reader can follow (the service's users read Chinese).
 */
import { REFUSAL_REASONS, isRefusalCode } from '../ingest/refusal-reasons.js';
import type { Counters } from './summary-queries.js';
import type { DemoSummary } from './demo-summary.js';
import { formatShanghai } from '../time/shanghai.js';

const num = (n: number) => n.toLocaleString('en-US');

export function progressLegend(): string {
  return '月份 │ 入库行数 rows · 拒收 refused │ 评估 evaluations │ 告警 alerts │ 邮件 e-mails sent │ 报告 reports │ 用时 time';
}

export function progressLine(
  index: number,
  total: number,
  step: { label: string; phase: 'history' | 'replay' },
  before: Counters,
  after: Counters,
  ms: number,
): string {
  const d = (k: keyof Counters) => after[k] - before[k];
  const ingested = d('inserted') + d('updated') + d('unchanged');
  const phase = step.phase === 'history' ? '历史 history' : '回放 replay ';
  const counter = `[${String(index).padStart(String(total).length)}/${total}]`;
  return (
    `${counter} ${step.label} ${phase} │ 入库 ${num(ingested).padStart(7)} · 拒收 ${String(d('refused')).padStart(2)} │ ` +
    `评估 +${num(d('evaluations'))} │ 告警 +${d('alerts')} │ 邮件 +${d('deliveriesSent')} │ 报告 +${d('reports')} │ ` +
    `${(ms / 1000).toFixed(1)} s`
  );
}

function reasonLabel(code: string): string {
  return isRefusalCode(code) ? `${REFUSAL_REASONS[code].zh} (${code})` : code;
}

export function summaryLines(s: DemoSummary): string[] {
  const lines: string[] = [];
  const r = s.rows;
  lines.push('', '════════ 演示摘要 Demo summary ════════');
  lines.push(`数据 Data            ${s.period}，随机种子 seed ${s.seed}，${s.stations} 个空气站 stations`);
  lines.push(
    `接收行数 Rows received ${num(r.received)}（生成 generated ${num(s.expected.rows)}）: 新增 inserted ${num(r.inserted)}, ` +
      `修订 updated ${num(r.updated)}, 未变 unchanged ${num(r.unchanged)}, 拒收 refused ${num(r.refused)}`,
  );
  for (const src of s.bySource) {
    lines.push(
      `  ${src.sourceId.padEnd(22)} ${src.adapter.padEnd(9)} ${String(src.batches).padStart(3)} 批 batches  ` +
        `${num(src.received).padStart(10)} 行 rows  拒收 ${src.refused}`,
    );
  }
  lines.push('拒收原因 Refused by reason');
  const reasons = Object.entries(s.refusedByReason);
  if (reasons.length === 0) lines.push('  （无 none）');
  for (const [code, n] of reasons) {
    const expected = s.expected.refusedByReason[code] ?? 0;
    lines.push(
      `  ${String(n).padStart(4)}  ${reasonLabel(code)}${expected === n ? '' : `  ← 预期 expected ${expected}`}`,
    );
  }
  lines.push(
    `目标评估 Evaluations  ${num(s.evaluationRuns)} 次 runs; 当前状态 current: ${formatRecord(s.evaluationStatuses)}`,
  );
  lines.push(`告警 Alerts           ${s.alerts.length === 0 ? '（无 none）' : ''}`);
  for (const a of s.alerts)
    lines.push(`  ${String(a.n).padStart(4)}  ${a.kind} · ${a.severity} · ${a.state}`);
  const t = s.taskReminders;
  lines.push(
    `任务提醒 Task reminders 未按时上报 reports missing: 提醒 reminded ${t.reminded} 个单位·月 unit-months，` +
      `督办 escalated ${t.escalated}，补报后解除 resolved by a late report ${t.resolvedByReport}；` +
      `到期提醒 deadline reminders ${t.dueSoon}；逾期 overdue tasks ${t.overdue}`,
  );
  lines.push(`投递 Deliveries       ${s.deliveries.length === 0 ? '（无 none）' : ''}`);
  for (const d of s.deliveries) {
    const due =
      d.status === 'digest'
        ? '（待下一次每日摘要 waiting for the next daily digest）'
        : d.status === 'scheduled' && d.firstDue
          ? `（定时发送，最早 ${formatShanghai(d.firstDue)} due from then: working hours or a retry）`
          : '';
    lines.push(`  ${String(d.n).padStart(4)}  ${d.channel} · ${d.status}${due}`);
  }
  const pr = s.perRecipientDay;
  lines.push(
    `  每人每日消息 messages per recipient per day: 最多 max ${pr.max}` +
      (pr.maxRecipient ? `（${pr.maxRecipient}，${pr.maxDay}）` : '') +
      `，p99 ${pr.p99}（${pr.days} 人日 person-days）`,
  );
  lines.push(
    `报告 Reports          ${s.reports.versions} 份 versions, ${s.reports.files} 个文件 files → ${s.reports.where}/`,
  );
  lines.push(`  报告邮件 report e-mails sent ${s.reports.emailsSent}`);
  for (const f of s.reports.notProduced)
    lines.push(`  未能生成 NOT PRODUCED ${f.format} × ${f.n}（如 e.g. ${f.example}）: ${f.reason}`);
  lines.push(`邮件 Mail             ${s.mail.count} 封 messages caught → ${s.mail.where}`);
  lines.push(
    `沙尘期 Sand-dust periods ${s.inputs.sandDustPeriods}；重污染预警 Heavy-pollution warnings ${s.inputs.warnings}`,
  );
  const lg = s.devices.loggers;
  lines.push(
    `HJ 212 数采仪 loggers  ${num(lg.packets)} 个报文 packets sent, ${num(lg.acks)} 个 9014 应答 acknowledged`,
  );
  for (const d of s.devices.byDevice) {
    const crc =
      d.crcModbus > 0 ? `CRC-16/MODBUS ${num(d.crcModbus)}` : `CRC 标准 standard ${num(d.crcStandard)}`;
    lines.push(
      `  ${d.mn} ${d.version ?? '?'}  报文 packets ${num(d.packets)}, 应答 acked ${num(d.acked)}, ` +
        `入库 rows ${num(d.rows)}, 拒收 refused ${d.refused}, ${crc}`,
    );
  }
  const { failed, retrying } = s.failedJobs;
  if (failed + retrying > 0) {
    lines.push(
      `失败任务 Failed jobs  ${failed}，重试中 retrying ${retrying}（详见日志 see the log: ${s.logFile}）`,
    );
  }
  const rate = s.seconds > 0 ? Math.round(r.received / s.seconds) : 0;
  lines.push(`用时 Time taken       ${s.seconds.toFixed(1)} s（${num(rate)} 行/秒 rows/s）`);
  const secs = (x: number) => `${x.toFixed(1)} s`;
  lines.push(
    `  回放各阶段 replay phases: ${Object.entries(s.phases.replayMs)
      .map(([k, ms]) => `${k} ${secs(ms / 1000)}`)
      .join(', ')}`,
  );
  lines.push(
    `  任务耗时 job time (workers, overlapping): ${Object.entries(s.phases.jobSeconds)
      .map(([k, x]) => `${k} ${secs(x)}`)
      .join(', ')}`,
  );
  return lines;
}

function formatRecord(rec: Record<string, number>): string {
  const entries = Object.entries(rec);
  return entries.length === 0 ? '（无 none）' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}
