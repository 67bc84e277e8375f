/**
 * Alibaba Cloud SMS (Dysmsapi, API version 2017-05-25), RPC style: every parameter, the common ones
 * included, goes form-encoded in the POST body, signed with signature v1 (HMAC-SHA1):
 *   StringToSign = "POST" & percent("/") & percent(canonical query)
 *   canonical query = the parameters sorted by name, each percent(name)=percent(value), joined with "&"
 *   percent = RFC 3986 (unreserved A-Z a-z 0-9 - _ . ~ kept, everything else %XX of its UTF-8 bytes)
 *   Signature = base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
 * Implemented here rather than through @alicloud/dysmsapi20170525: a send must leave exactly once per claim,
 * and the SDK's runtime (tea) brings its own retry, timeout and error wrapping between us and that request,
 * plus a tree of dependencies; the algorithm is small, documented and verified by an independent fake.
 * SendSms answers { Code: "OK", BizId } or a Code such as isv.BUSINESS_LIMIT_CONTROL (sms-error-codes.ts);
 * QuerySendDetails reports each message's SendStatus (1 waiting, 2 failed, 3 delivered) and ErrCode.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { ChannelError } from './channel-error.js';
import type { RateLimiter } from './rate-limiter.js';
import { ALIYUN_ERROR_CLASSES } from './sms-error-codes.js';
import {
  mainlandNumber,
  parseJsonAnswer,
  postToProvider,
  providerSmsChannel,
  smsRefusal,
  type SmsChannel,
  type SmsReceipt,
  type SmsReceiptQuery,
} from './sms-channel.js';
import { toShanghaiDay } from '../time/shanghai.js';

export interface AliyunOptions {
  /** https://dysmsapi.aliyuncs.com/ unless configured (SMS_ENDPOINT). */
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  region: string;
  timeoutMs?: number;
  limiter?: RateLimiter;
  variableMax?: number;
}

export const ALIYUN_DEFAULT_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

export function aliyunPercentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function aliyunSignature(method: string, params: Record<string, string>, secret: string): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`)
    .join('&');
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
}

interface AliyunAnswer {
  Code?: string;
  Message?: string;
  BizId?: string;
  RequestId?: string;
  SmsSendDetailDTOs?: { SmsSendDetailDTO?: AliyunDetail[] };
}

interface AliyunDetail {
  SendStatus: number;
  ErrCode?: string;
  ReceiveDate?: string;
  PhoneNum?: string;
  OutId?: string;
}

export function createAliyunSmsChannel(opts: AliyunOptions): SmsChannel {
  const call = async (action: string, own: Record<string, string>, before?: () => Promise<void>) => {
    const params: Record<string, string> = {
      AccessKeyId: opts.accessKeyId,
      Action: action,
      Format: 'JSON',
      RegionId: opts.region,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
      ...own,
    };
    params.Signature = aliyunSignature('POST', params, opts.accessKeySecret);
    const body = Object.entries(params)
      .map(([k, v]) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(v)}`)
      .join('&');
    await before?.();
    const { status, text } = await postToProvider(
      opts.endpoint,
      { headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body },
      opts.timeoutMs ?? 10_000,
    );
    const answer = parseJsonAnswer<AliyunAnswer>('aliyun', status, text);
    const code = answer.Code ?? `http-${status}`;
    if (status >= 300 || code !== 'OK') {
      throw smsRefusal('aliyun', ALIYUN_ERROR_CLASSES, code, answer.Message ?? '', status);
    }
    return answer;
  };
  return providerSmsChannel('aliyun', opts, 35, {
    async send(msg, hooks = {}) {
      const answer = await call(
        'SendSms',
        {
          PhoneNumbers: mainlandNumber(msg.phone),
          SignName: opts.signName,
          TemplateCode: msg.templateCode,
          TemplateParam: JSON.stringify(msg.params),
          OutId: msg.outId,
        },
        hooks.beforeRequest,
      );
      if (!answer.BizId) {
        throw new ChannelError('aliyun SMS: OK without a BizId', 'sms', true, 'no-bizid');
      }
      return {
        providerMessageId: answer.BizId,
        response: `OK ${answer.RequestId ?? ''}`.trim(),
        duplicate: false,
      };
    },
    async receipts(pending) {
      const out: SmsReceipt[] = [];
      for (const p of pending) {
        const r = await queryOne(call, p);
        if (r) out.push(r);
      }
      return out;
    },
  });
}

/** One message's report; null while the carrier has not answered (SendStatus 1). */
async function queryOne(
  call: (action: string, own: Record<string, string>) => Promise<AliyunAnswer>,
  p: SmsReceiptQuery,
): Promise<SmsReceipt | null> {
  const answer = await call('QuerySendDetails', {
    PhoneNumber: mainlandNumber(p.phone),
    BizId: p.providerMessageId,
    // yyyyMMdd of the day the message was sent, as Aliyun files it (Beijing time).
    SendDate: toShanghaiDay(p.sentAt).replaceAll('-', ''),
    PageSize: '10',
    CurrentPage: '1',
  });
  const d = answer.SmsSendDetailDTOs?.SmsSendDetailDTO?.[0];
  if (!d || d.SendStatus === 1) return null;
  return {
    providerMessageId: p.providerMessageId,
    status: d.SendStatus === 3 ? 'delivered' : 'failed',
    code: d.ErrCode ?? String(d.SendStatus),
    description: d.SendStatus === 3 ? '用户接收成功' : `发送失败 ${d.ErrCode ?? ''}`.trim(),
    at: d.ReceiveDate ? new Date(`${d.ReceiveDate.replace(' ', 'T')}+08:00`) : null,
  };
}
