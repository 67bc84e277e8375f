/**
 * Tencent Cloud SMS, API 3.0 (version 2021-01-11), signed with TC3-HMAC-SHA256:
 *   CanonicalRequest = "POST\n/\n\n" + "content-type:<ct>\nhost:<host>\nx-tc-action:<action lower>\n\n"
 *                      + "content-type;host;x-tc-action\n" + hex(SHA256(payload))
 *   StringToSign     = "TC3-HMAC-SHA256\n" + timestamp + "\n" + "<UTC date>/sms/tc3_request\n" + hex(SHA256(CanonicalRequest))
 *   key              = HMAC(HMAC(HMAC("TC3" + SecretKey, date), "sms"), "tc3_request")
 *   Authorization    = "TC3-HMAC-SHA256 Credential=<SecretId>/<date>/sms/tc3_request, SignedHeaders=…, Signature=<hex>"
 * Implemented here rather than through tencentcloud-sdk-nodejs-sms for the same reason as Aliyun: one
 * request per claim, with our own timeout and classification, and no dependency tree for ~60 lines.
 * Answers always come with HTTP 200: a request-level refusal is Response.Error.Code; otherwise each number
 * has its own SendStatusSet[].Code ("Ok" or e.g. LimitExceeded.PhoneNumberDailyLimit).
 * Receipts: PullSmsSendStatus hands each report out once, matched to our delivery by SerialNo.
 */
import { createHash, createHmac } from 'node:crypto';
import { ChannelError } from './channel-error.js';
import type { RateLimiter } from './rate-limiter.js';
import { TENCENT_ERROR_CLASSES } from './sms-error-codes.js';
import { parseJsonAnswer, postToProvider, providerSmsChannel, smsRefusal } from './sms-channel.js';
import type { SmsChannel } from './sms-channel.js';

export interface TencentOptions {
  /** https://sms.tencentcloudapi.com unless configured (SMS_ENDPOINT). */
  endpoint: string;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  signName: string;
  region: string;
  timeoutMs?: number;
  limiter?: RateLimiter;
  variableMax?: number;
}

export const TENCENT_DEFAULT_ENDPOINT = 'https://sms.tencentcloudapi.com';
const VERSION = '2021-01-11';
const CONTENT_TYPE = 'application/json; charset=utf-8';

const sha256hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** The Authorization header for one request (timestamp in epoch seconds). */
export function tencentAuthorization(a: {
  secretId: string;
  secretKey: string;
  host: string;
  action: string;
  payload: string;
  timestamp: number;
}): string {
  const date = new Date(a.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host;x-tc-action';
  const canonicalRequest = [
    'POST',
    '/',
    '',
    `content-type:${CONTENT_TYPE}\nhost:${a.host}\nx-tc-action:${a.action.toLowerCase()}\n`,
    signedHeaders,
    sha256hex(a.payload),
  ].join('\n');
  const scope = `${date}/sms/tc3_request`;
  const stringToSign = `TC3-HMAC-SHA256\n${a.timestamp}\n${scope}\n${sha256hex(canonicalRequest)}`;
  const key = hmac(hmac(hmac(`TC3${a.secretKey}`, date), 'sms'), 'tc3_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${a.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}

interface TencentAnswer {
  Response?: {
    Error?: { Code: string; Message: string };
    RequestId?: string;
    SendStatusSet?: { SerialNo: string; PhoneNumber: string; Code: string; Message: string }[];
    PullSmsSendStatusSet?: {
      SerialNo: string;
      PhoneNumber: string;
      ReportStatus: 'SUCCESS' | 'FAIL';
      Description: string;
      UserReceiveUnixTime?: number;
    }[];
  };
}

export function createTencentSmsChannel(opts: TencentOptions): SmsChannel {
  const url = new URL(opts.endpoint);
  const call = async (action: string, body: Record<string, unknown>, before?: () => Promise<void>) => {
    const payload = JSON.stringify(body);
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': CONTENT_TYPE,
      authorization: tencentAuthorization({
        secretId: opts.secretId,
        secretKey: opts.secretKey,
        host: url.host,
        action,
        payload,
        timestamp,
      }),
      'x-tc-action': action,
      'x-tc-timestamp': String(timestamp),
      'x-tc-version': VERSION,
      'x-tc-region': opts.region,
    };
    await before?.();
    const { status, text } = await postToProvider(
      url.href,
      { headers, body: payload },
      opts.timeoutMs ?? 10_000,
    );
    const answer = parseJsonAnswer<TencentAnswer>('tencent', status, text).Response;
    if (!answer)
      throw new ChannelError(`tencent SMS: HTTP ${status} without Response`, 'sms', true, `http-${status}`);
    if (answer.Error) {
      throw smsRefusal('tencent', TENCENT_ERROR_CLASSES, answer.Error.Code, answer.Error.Message, status);
    }
    return answer;
  };
  return providerSmsChannel('tencent', opts, 12, {
    async send(msg, hooks = {}) {
      const answer = await call(
        'SendSms',
        {
          PhoneNumberSet: [msg.phone],
          SmsSdkAppId: opts.sdkAppId,
          SignName: opts.signName,
          TemplateId: msg.templateCode,
          TemplateParamSet: msg.paramOrder.map((k) => msg.params[k] ?? ''),
          SessionContext: msg.outId,
        },
        hooks.beforeRequest,
      );
      const s = answer.SendStatusSet?.[0];
      if (!s) throw new ChannelError('tencent SMS: no SendStatusSet', 'sms', true, 'no-status');
      if (s.Code !== 'Ok') throw smsRefusal('tencent', TENCENT_ERROR_CLASSES, s.Code, s.Message, status200);
      return {
        providerMessageId: s.SerialNo,
        response: `Ok ${answer.RequestId ?? ''}`.trim(),
        duplicate: false,
      };
    },
    async receipts() {
      const answer = await call('PullSmsSendStatus', { Limit: 100, SmsSdkAppId: opts.sdkAppId });
      return (answer.PullSmsSendStatusSet ?? []).map((r) => ({
        providerMessageId: r.SerialNo,
        status: r.ReportStatus === 'SUCCESS' ? ('delivered' as const) : ('failed' as const),
        code: r.ReportStatus,
        description: r.Description,
        at: r.UserReceiveUnixTime ? new Date(r.UserReceiveUnixTime * 1000) : null,
      }));
    },
  });
}

const status200 = 200;
