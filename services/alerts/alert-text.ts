/**
 * The words of an alert, Chinese first with an English version, built once when the alert changes and
 * stored on it (title/body/facts): every message about the alert — e-mail, SMS, digest, the ack page —
 * quotes the same text, and the facts hold the short values the SMS templates need.
 */
import {
  CHANNEL_LABELS,
  labelOf,
  TARGET_STATUS_LABELS,
  WARNING_LEVEL_LABELS,
  type Bilingual,
  type WarningLevelKey,
} from '../labels/catalogue.js';
import { formatShanghai } from '../time/shanghai.js';
import type { AlertText } from './alert-queries.js';

export function statusLabel(status: string): Bilingual {
  return labelOf(TARGET_STATUS_LABELS, status);
}

export interface TargetFactsInput {
  targetId: string;
  targetTitleZh: string;
  targetTitleEn: string;
  clauseZh: string;
  source: string;
  strictness: 'hard' | 'soft';
  scopeZh: string;
  scopeEn: string;
  periodKey: string;
  status: string;
  value: number | null;
  threshold: number | null;
  unitZh: string | null;
  unitEn: string | null;
  explanationZh: string;
  explanationEn: string;
  deadline: string | null;
  asOf: string;
}

export function targetAlertText(t: TargetFactsInput): AlertText {
  const s = statusLabel(t.status);
  const soft = t.strictness === 'soft';
  const tagZh = soft ? `${s.zh}（力争类目标）` : s.zh;
  const tagEn = soft ? `${s.en} (aspirational target)` : s.en;
  return {
    titleZh: `【${tagZh}】${t.scopeZh} · ${t.targetTitleZh}（${t.periodKey}）`,
    titleEn: `[${tagEn}] ${t.scopeEn} · ${t.targetTitleEn} (${t.periodKey})`,
    bodyZh:
      `${t.scopeZh}“${t.targetTitleZh}”${t.periodKey}期间评估为${s.zh}（数据截至${t.asOf}）。\n` +
      `${t.explanationZh}\n` +
      `目标原文：${t.clauseZh}（${t.source}）` +
      (t.deadline ? `\n完成时限：${t.deadline}` : ''),
    bodyEn:
      `${t.scopeEn}: "${t.targetTitleEn}" for ${t.periodKey} is ${s.en} (data up to ${t.asOf}).\n` +
      `${t.explanationEn}\n` +
      `Plan clause (Chinese): ${t.clauseZh} (${t.source})` +
      (t.deadline ? `\nDeadline: ${t.deadline}` : ''),
    facts: {
      targetId: t.targetId,
      scopeZh: t.scopeZh,
      scopeEn: t.scopeEn,
      targetZh: t.targetTitleZh,
      targetEn: t.targetTitleEn,
      period: t.periodKey,
      status: t.status,
      statusZh: s.zh,
      statusEn: s.en,
      value: t.value,
      threshold: t.threshold,
      unitZh: t.unitZh,
      unitEn: t.unitEn,
      deadline: t.deadline,
      strictness: t.strictness,
      asOf: t.asOf,
    },
  };
}

export interface WarningFactsInput {
  level: string;
  areaZh: string;
  areaEn: string;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
  issuer: string;
  measures: string | null;
}

/** 2021 row 49 (001:534): during a heavy-pollution warning fireworks may be neither sold nor set off. */
const FIREWORKS_ZH = '空气重污染预警期间，全区行政区域内禁止销售、燃放烟花爆竹（001:534）。';
const FIREWORKS_EN =
  'While a heavy-pollution warning is in force, selling and setting off fireworks is banned district-wide (001:534).';

export function warningAlertText(w: WarningFactsInput): AlertText {
  const l = WARNING_LEVEL_LABELS[w.level as WarningLevelKey] ?? { zh: w.level, en: w.level, grade: '' };
  const startZh = formatShanghai(w.startsAt, 'M月d日H时');
  const startEn = formatShanghai(w.startsAt, 'MM-dd HH:mm');
  const lifted = w.liftedAt;
  const liftedZh = lifted ? formatShanghai(lifted, 'M月d日H时') : null;
  const liftedEn = lifted ? formatShanghai(lifted, 'MM-dd HH:mm') : null;
  const titleZh = lifted
    ? `【预警解除】${w.areaZh}空气重污染${l.zh}预警已解除`
    : `【重污染天气${l.zh}预警】${w.areaZh}${startZh}起启动${l.grade}（${l.zh}）预警`;
  const titleEn = lifted
    ? `[Warning lifted] ${w.areaEn}: ${l.en} heavy-pollution warning lifted`
    : `[${l.en} heavy-pollution warning] ${w.areaEn} from ${startEn}`;
  const measuresZh = w.measures ? `\n应对措施：${w.measures}` : '';
  return {
    titleZh,
    titleEn,
    bodyZh: lifted
      ? `${w.areaZh}空气重污染${l.zh}预警已于${liftedZh}解除（发布单位：${w.issuer}），请相关单位按要求恢复正常工作秩序并做好总结。`
      : `${w.issuer}发布：${w.areaZh}自${startZh}起启动空气重污染${l.zh}预警。请空气重污染应急指挥部各成员单位和各街道乡镇立即落实应急减排措施，加强督导检查。${measuresZh}\n${FIREWORKS_ZH}`,
    bodyEn: lifted
      ? `The ${l.en} heavy-pollution warning for ${w.areaEn} was lifted at ${liftedEn} (issued by ${w.issuer}).`
      : `${w.issuer}: a ${l.en} heavy-pollution warning is in force for ${w.areaEn} from ${startEn}. Member units of the heavy-pollution command and every street/town: apply the emergency emission-reduction measures now.\n${FIREWORKS_EN}`,
    facts: {
      level: w.level,
      levelZh: l.zh,
      levelEn: l.en,
      areaZh: w.areaZh,
      areaEn: w.areaEn,
      startZh,
      startEn,
      liftedZh,
      liftedEn,
      issuer: w.issuer,
    },
  };
}

export function staleSourceText(sourceId: string, staleSince: Date): AlertText {
  const since = formatShanghai(staleSince, 'yyyy-MM-dd HH:mm');
  return {
    titleZh: `【数据中断】数据源 ${sourceId} 自 ${since} 起未按时更新`,
    titleEn: `[Stale data] source ${sourceId} has not delivered since ${since}`,
    bodyZh: `数据源 ${sourceId} 自 ${since}（北京时间）起未按时提供数据，依赖该数据的目标评估可能滞后。数据恢复后本预警自动解除。`,
    bodyEn: `Source ${sourceId} has not delivered data since ${since} (Beijing time); evaluations depending on it may lag. The alert resolves when data arrives again.`,
    facts: {
      sourceId,
      staleSince: since,
      whatZh: `数据源${sourceId}中断`,
      whatEn: `source ${sourceId} stale`,
    },
  };
}

export interface DeliveryFailureInput {
  recipientId: string;
  channel: 'email' | 'sms';
  address: string;
  error: string;
  code: string | null;
  fallback: 'email' | 'sms' | null;
  alertTitleZh: string | null;
}

export function deliveryFailureText(f: DeliveryFailureInput): AlertText {
  const channelZh = CHANNEL_LABELS[f.channel].zh;
  const fallbackZh = f.fallback
    ? `已改用${CHANNEL_LABELS[f.fallback].zh}发送。`
    : '该联系人没有其他可用渠道，请人工联系。';
  const fallbackEn = f.fallback
    ? `The ${f.fallback} channel was used instead.`
    : 'The contact has no other channel: please reach them by hand.';
  return {
    // Named by the address: one alert per refused address, whichever contacts share it (deliveryFailureKey).
    titleZh: `【发送失败】${f.address} 的${channelZh}无法送达（联系人 ${f.recipientId}）`,
    titleEn: `[Delivery failed] ${f.channel} to ${f.address} was refused (contact ${f.recipientId})`,
    bodyZh:
      `发送给联系人 ${f.recipientId}（${f.address}）的${channelZh}被永久拒绝：${f.code ?? ''} ${f.error}。${fallbackZh}` +
      (f.alertTitleZh ? `\n相关预警：${f.alertTitleZh}` : '') +
      '\n请核对通讯录（CONTACTS_FILE）中的地址或号码；使用该地址的联系人都收不到。发往该地址的下一次发送成功后本提醒自动解除。',
    bodyEn:
      `The ${f.channel} to contact ${f.recipientId} (${f.address}) was permanently refused: ${f.code ?? ''} ${f.error}. ${fallbackEn}\n` +
      'Check the address or number in the contact directory; no contact using it receives anything. This alert resolves after the next successful delivery to the address.',
    facts: {
      recipientId: f.recipientId,
      channel: f.channel,
      code: f.code,
      whatZh: `联系人${f.recipientId}${channelZh}发送失败`,
      whatEn: `${f.channel} to ${f.recipientId} failed`,
    },
  };
}

export interface ProviderAccountInput {
  channel: 'email' | 'sms';
  code: string;
  error: string;
}

/** The provider account refuses every message (balance, template, signature, credentials): one alert per code. */
export function providerAccountText(f: ProviderAccountInput): AlertText {
  const channelZh = CHANNEL_LABELS[f.channel].zh;
  return {
    titleZh: `【${channelZh}服务异常】服务商拒绝发送：${f.code}`,
    titleEn: `[${f.channel} provider] sending refused: ${f.code}`,
    bodyZh:
      `${channelZh}服务商拒绝了发送请求（${f.code}：${f.error}），原因在账户或配置（余额、模板或签名未审核通过、密钥），不在某个联系人。` +
      `受影响的消息已改用其他渠道发送。请在服务商控制台处理后，下一次发送成功时本提醒自动解除。`,
    bodyEn:
      `The ${f.channel} provider refused to send (${f.code}: ${f.error}); the cause is the account or its configuration ` +
      '(balance, template or signature approval, credentials), not a contact. Affected messages went by the other channel. ' +
      'This alert resolves after the next successful send.',
    facts: {
      channel: f.channel,
      code: f.code,
      whatZh: `${channelZh}服务商拒绝发送（${f.code}）`,
      whatEn: `${f.channel} provider refused (${f.code})`,
    },
  };
}
