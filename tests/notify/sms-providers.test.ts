/**
 * The Aliyun and Tencent SMS providers against local fakes that verify each request's signature by the
 * provider's documented algorithm (implemented independently in the fake) and answer with the provider's
 * response shapes and codes. Every error class is mapped once: retry (temporary), fallback (permanent, about
 * the contact) or account (permanent, about the provider account).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../../services/notify/channel-error.js';
import { aliyunSignature, createAliyunSmsChannel } from '../../services/notify/sms-aliyun.js';
import type { SmsChannel, SmsMessage } from '../../services/notify/sms-channel.js';
import { createTencentSmsChannel } from '../../services/notify/sms-tencent.js';
import { renderSms } from '../../services/notify/sms-templates.js';
import { startAliyunFake, type AliyunFake } from '../helpers/sms-aliyun-fake.js';
import { startTencentFake, type TencentFake } from '../helpers/sms-tencent-fake.js';

let aliyun: AliyunFake;
let tencent: TencentFake;

beforeAll(async () => {
  [aliyun, tencent] = await Promise.all([startAliyunFake(), startTencentFake()]);
});

afterAll(async () => {
  await Promise.all([aliyun?.close(), tencent?.close()]);
});

const aliyunChannel = (secret = aliyun.accessKeySecret) =>
  createAliyunSmsChannel({
    endpoint: aliyun.endpoint,
    accessKeyId: aliyun.accessKeyId,
    accessKeySecret: secret,
    signName: '通州生态环境',
    region: 'cn-hangzhou',
  });

const tencentChannel = (secret = tencent.secretKey) =>
  createTencentSmsChannel({
    endpoint: tencent.endpoint,
    secretId: tencent.secretId,
    secretKey: secret,
    sdkAppId: tencent.sdkAppId,
    signName: '通州生态环境',
    region: 'ap-guangzhou',
  });

let seq = 0;
function message(phone = '+8613900000001'): SmsMessage {
  const r = renderSms(
    'alert',
    'zh-CN',
    { scope: '永顺镇', target: 'PM2.5年均浓度', period: '2024', status: '未达标' },
    '通州生态环境',
    {},
  );
  return {
    phone,
    templateCode: r.templateCode,
    params: r.params,
    paramOrder: r.paramOrder,
    outId: `ew${++seq}`,
  };
}

/** The ChannelError a send ends with, as the mapping table's three classes. */
async function classOf(channel: SmsChannel, msg = message()): Promise<{ cls: string; code: string }> {
  try {
    await channel.send(msg);
    return { cls: 'sent', code: 'OK' };
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    return { cls: err.temporary ? 'retry' : err.account ? 'account' : 'fallback', code: err.responseCode };
  }
}

describe('Aliyun SendSms (signature v1, HMAC-SHA1)', () => {
  it("signs Aliyun's documented example to the documented signature", () => {
    // The RPC signature example of Alibaba Cloud's API documentation (DescribeRegions, secret "testsecret").
    const params = {
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      Format: 'XML',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      SignatureVersion: '1.0',
      Timestamp: '2016-02-23T12:46:24Z',
      Version: '2014-05-26',
    };
    expect(aliyunSignature('GET', params, 'testsecret')).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });

  it('a correctly signed request is accepted: the fake filled the approved template with the variables', async () => {
    const r = await aliyunChannel().send(message('+8613900000002'));
    const got = aliyun.messages.find((m) => m.providerId === r.providerMessageId)!;
    expect(got.phone).toBe('13900000002');
    expect(got.text).toBe('【通州生态环境】永顺镇“PM2.5年均浓度”（2024）未达标，请及时核查处置并确认。');
    expect(r.duplicate).toBe(false);
  });

  it('a request signed with the wrong secret is rejected by the fake (SignatureDoesNotMatch → account alert)', async () => {
    const before = aliyun.messages.length;
    expect(await classOf(aliyunChannel('not-the-secret'))).toEqual({
      cls: 'account',
      code: 'SignatureDoesNotMatch',
    });
    expect(aliyun.messages.length).toBe(before);
    expect(aliyun.requests.at(-1)).toMatchObject({ status: 400, code: 'SignatureDoesNotMatch' });
  });

  it.each([
    ['isv.BUSINESS_LIMIT_CONTROL', 'retry'],
    ['isp.SYSTEM_ERROR', 'retry'],
    ['isv.DAY_LIMIT_CONTROL', 'fallback'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'account'],
    ['isv.AMOUNT_NOT_ENOUGH', 'account'],
    ['isv.SMS_SIGNATURE_ILLEGAL', 'account'],
  ])('%s maps to %s', async (code, cls) => {
    aliyun.script(code);
    expect(await classOf(aliyunChannel())).toEqual({ cls, code });
  });

  it('an invalid number (the fake checks it) maps to fallback', async () => {
    expect(await classOf(aliyunChannel(), message('+861234'))).toEqual({
      cls: 'fallback',
      code: 'isv.MOBILE_NUMBER_ILLEGAL',
    });
  });

  it('a template code the provider has not approved maps to an account alert', async () => {
    expect(await classOf(aliyunChannel(), { ...message(), templateCode: 'SMS_999999' })).toEqual({
      cls: 'account',
      code: 'isv.SMS_TEMPLATE_ILLEGAL',
    });
  });

  it('does not deduplicate: the same OutId twice is two messages at the provider', async () => {
    const msg = message('+8613900000003');
    await aliyunChannel().send(msg);
    await aliyunChannel().send(msg);
    expect(aliyun.messages.filter((m) => m.outId === msg.outId)).toHaveLength(2);
  });
});

describe('Tencent SendSms (TC3-HMAC-SHA256)', () => {
  it('a correctly signed request is accepted, with the variables in template order', async () => {
    const r = await tencentChannel().send(message('+8613900000004'));
    const got = tencent.messages.find((m) => m.providerId === r.providerMessageId)!;
    expect(got.phone).toBe('+8613900000004');
    expect(got.text).toBe('【通州生态环境】永顺镇“PM2.5年均浓度”（2024）未达标，请及时核查处置并确认。');
  });

  it('a request signed with the wrong key is rejected by the fake (AuthFailure.SignatureFailure → account alert)', async () => {
    const before = tencent.messages.length;
    expect(await classOf(tencentChannel('not-the-key'))).toEqual({
      cls: 'account',
      code: 'AuthFailure.SignatureFailure',
    });
    expect(tencent.messages.length).toBe(before);
  });

  it.each([
    ['RequestLimitExceeded', 'retry'],
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'retry'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'fallback'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'account'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'account'],
    ['InternalError.Timeout', 'retry'],
  ])('%s maps to %s', async (code, cls) => {
    tencent.script(code);
    expect(await classOf(tencentChannel())).toEqual({ cls, code });
  });

  it('an invalid number (per-number SendStatusSet code) maps to fallback', async () => {
    expect(await classOf(tencentChannel(), message('+86139'))).toEqual({
      cls: 'fallback',
      code: 'InvalidParameterValue.IncorrectPhoneNumber',
    });
  });
});

describe('delivery receipts', () => {
  it('Aliyun QuerySendDetails: waiting, then delivered / failed as the carrier reported', async () => {
    const ch = aliyunChannel();
    const a = await ch.send(message('+8613900000005'));
    const b = await ch.send(message('+8613900000006'));
    const q = (id: string, phone: string) => ({ providerMessageId: id, phone, sentAt: new Date() });
    const pending = [q(a.providerMessageId, '+8613900000005'), q(b.providerMessageId, '+8613900000006')];
    expect(await ch.receipts(pending)).toEqual([]);
    aliyun.report(a.providerMessageId, 3);
    aliyun.report(b.providerMessageId, 2, 'MK:0001');
    const got = await ch.receipts(pending);
    expect(got.map((r) => [r.providerMessageId, r.status, r.code])).toEqual([
      [a.providerMessageId, 'delivered', 'DELIVERED'],
      [b.providerMessageId, 'failed', 'MK:0001'],
    ]);
  });

  it('Tencent PullSmsSendStatus: each report once', async () => {
    const ch = tencentChannel();
    const a = await ch.send(message('+8613900000007'));
    tencent.report(a.providerMessageId, 'FAIL', '空号');
    const got = await ch.receipts([]);
    expect(got).toMatchObject([{ providerMessageId: a.providerMessageId, status: 'failed', code: 'FAIL' }]);
    expect(await ch.receipts([])).toEqual([]);
  });
});
