/**
 * The approved SMS templates: every one fits a single 70-character message with realistic values; those
 * carrying an acknowledgement link fit SMS_ACK_MAX_SEGMENTS (2) segments, the token kept whole.
 */
import { describe, expect, it } from 'vitest';
import {
  parseTemplateCodes,
  renderSms,
  smsLengthLimit,
  SMS_TEMPLATES,
  SmsTooLongError,
  type SmsTemplateName,
} from '../../services/notify/sms-templates.js';
import { ValidationError } from '../../services/errors.js';

const LONG = {
  scope: '于家务回族乡', // the longest area name in the plans (000:5619)
  target: '各街道乡镇全年进入全市PM2.5月均浓度后30名的频次同比下降，并力争不进入每月全市PM2.5浓度后10名',
  period: '2024-Q1',
  status: '未达标',
  hours: '24',
  deadline: '2024-12-31',
  area: '北苑街道、中仓街道、玉桥街道、新华街道、潞源街道、通运街道',
  level: '橙色',
  time: '12月21日0时',
  what: '联系人gov_zhangjiawan.liaison的短信发送失败（isv.MOBILE_NUMBER_ILLEGAL）',
  count: '12',
  first: '【未达标】于家务回族乡“各街道乡镇全年进入全市PM2.5月均浓度后30名的频次同比下降”（2024-Q1）',
  code: 'AbCdEfGhIjKlMnOp', // the longest short ack token (a 6-byte delivery id)
};
const ACK = { base: 'https://envwatch.example.gov.cn', segments: 2 };
const EN = {
  ...LONG,
  scope: 'Yujiawu Hui Ethnic Township',
  target: 'Cumulative PM2.5 at most 35 µg/m³ in the year',
  status: 'breached',
  level: 'orange',
  time: '12-21 00:00',
  what: 'sms to gov_zhangjiawan.liaison failed',
};

describe('renderSms', () => {
  for (const name of (Object.keys(SMS_TEMPLATES) as SmsTemplateName[]).filter((n) => !n.endsWith('_ack'))) {
    it(`fits "${name}" into one message, in Chinese and in English`, () => {
      for (const [locale, vars] of [
        ['zh-CN', LONG],
        ['en', EN],
      ] as const) {
        const r = renderSms(name, locale, vars, '通州生态环境', {});
        expect([...r.text].length).toBeLessThanOrEqual(70);
        expect(r.text.startsWith('【通州生态环境】')).toBe(true);
        for (const v of Object.values(r.params)) expect([...v].length).toBeLessThanOrEqual(35);
      }
    });
  }

  for (const name of ['alert_ack', 'escalation_ack'] as const) {
    it(`fits "${name}" into two segments with the whole link, in Chinese and in English`, () => {
      for (const [locale, vars] of [
        ['zh-CN', LONG],
        ['en', EN],
      ] as const) {
        const r = renderSms(name, locale, vars, '通州生态环境', {}, 35, ACK);
        expect([...r.text].length).toBeLessThanOrEqual(locale === 'en' ? 2 * 153 : 2 * 67);
        expect(r.text.endsWith(`${ACK.base}/a/${vars.code}`)).toBe(true);
        expect(r.params.code).toBe(vars.code);
      }
    });
  }

  it('a link that cannot fit the segment budget is refused, not cut', () => {
    expect(() =>
      renderSms('alert_ack', 'zh-CN', LONG, '通州生态环境', {}, 35, {
        base: `https://${'x'.repeat(80)}.cn`,
        segments: 1,
      }),
    ).toThrow(SmsTooLongError);
  });

  it('shortens the expendable variables with an ellipsis and keeps the rest whole', () => {
    const r = renderSms('alert', 'zh-CN', LONG, '通州生态环境', {});
    expect(r.params.target!.endsWith('…')).toBe(true);
    expect(r.params.status).toBe('未达标');
    expect(r.params.period).toBe('2024-Q1');
    expect(r.text).toContain('未达标，请及时核查处置并确认。');
  });

  it('leaves short values alone', () => {
    const r = renderSms(
      'resolved',
      'zh-CN',
      { scope: '北苑街道', target: 'PM2.5累计浓度', period: '2024' },
      '通州生态环境',
      {},
    );
    expect(r.text).toBe('【通州生态环境】北苑街道“PM2.5累计浓度”（2024）已恢复达标。');
  });

  it('refuses a message that cannot fit even with shortened variables', () => {
    expect(() => renderSms('digest', 'zh-CN', { count: '1' }, '长'.repeat(60), {})).toThrow(SmsTooLongError);
  });

  it('uses the configured provider template codes', () => {
    const codes = parseTemplateCodes('alert=SMS_123456, alert_en = SMS_654321');
    expect(renderSms('alert', 'zh-CN', LONG, 'x', codes).templateCode).toBe('SMS_123456');
    expect(renderSms('alert', 'en', EN, 'x', codes).templateCode).toBe('SMS_654321');
    expect(renderSms('digest', 'zh-CN', { count: '2' }, 'x', codes).templateCode).toBe('ENVWATCH_DIGEST');
    expect(() => parseTemplateCodes('alrt=SMS_1')).toThrow(ValidationError);
  });
});

describe('smsLengthLimit', () => {
  it('is 70 with any Chinese character and 160 for plain GSM-7 text', () => {
    expect(smsLengthLimit('【通州】hello')).toBe(70);
    expect(smsLengthLimit('hello')).toBe(160);
  });
});
