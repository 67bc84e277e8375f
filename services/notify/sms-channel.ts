/**
 * SMS through an HTTP gateway in the style of the Chinese providers (Aliyun Dysms, Tencent Cloud SMS):
 * only pre-approved templates with variables, a signature (签名) added by the provider, and an OutId that
 * the gateway uses to drop a repeated request — which is what makes a resend after a crash safe.
 *
 * Request: POST SMS_GATEWAY_URL, JSON
 *   { PhoneNumbers: "13800000001", SignName, TemplateCode, TemplateParam: "{\"scope\":\"北苑街道\",…}", OutId }
 * signed with headers X-Sms-Access-Key, X-Sms-Timestamp (ISO 8601), X-Sms-Nonce and
 *   X-Sms-Signature = base64(HMAC-SHA256(secret, "POST\n<path>\n<timestamp>\n<nonce>\n<sha256 hex of body>")).
 * Response: { Code: "OK", Message, BizId, RequestId, Duplicate? } — Duplicate: true when OutId was seen before
 * (the original BizId is returned, nothing is sent again).
 * Classification: Code OK → sent; isv.BUSINESS_LIMIT_CONTROL / isp.* / HTTP 429 / 5xx / timeouts → temporary;
 * a refused number, template or signature error, HTTP 4xx → permanent.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { ChannelError } from './channel-error.js';
import { unlimited, type RateLimiter } from './rate-limiter.js';

export interface SmsMessage {
  /** E.164, +86…; sent to the gateway as the 11-digit mainland number. */
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  outId: string;
}

export interface SmsResult {
  providerMessageId: string;
  response: string;
  duplicate: boolean;
}

export interface SmsChannel {
  /** False when no gateway is configured: routing then plans no SMS at all. */
  readonly enabled: boolean;
  readonly signName: string;
  send(msg: SmsMessage): Promise<SmsResult>;
  close(): void;
}

export interface SmsChannelOptions {
  url: string;
  accessKey: string;
  accessSecret: string;
  signName: string;
  timeoutMs?: number;
  limiter?: RateLimiter;
}

/** Provider codes that mean "this number / template / account will not work": never retried. */
const PERMANENT_CODES = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.BLACK_KEY_CONTROL_LIMIT',
  'isv.MOBILE_IN_BLACKLIST',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.TEMPLATE_PARAMS_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.INVALID_PARAMETERS',
  'isv.AMOUNT_NOT_ENOUGH',
  'InvalidAccessKeyId.NotFound',
  'SignatureDoesNotMatch',
]);

export function signSmsRequest(
  secret: string,
  path: string,
  timestamp: string,
  nonce: string,
  body: string,
): string {
  const digest = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret)
    .update(`POST\n${path}\n${timestamp}\n${nonce}\n${digest}`)
    .digest('base64');
}

export function createSmsChannel(opts: SmsChannelOptions): SmsChannel {
  const limiter = opts.limiter ?? unlimited;
  const path = new URL(opts.url).pathname;
  return {
    enabled: true,
    signName: opts.signName,
    async send(msg) {
      await limiter.acquire();
      const body = JSON.stringify({
        PhoneNumbers: msg.phone.replace(/^\+86/, ''),
        SignName: opts.signName,
        TemplateCode: msg.templateCode,
        TemplateParam: JSON.stringify(msg.params),
        OutId: msg.outId,
      });
      const timestamp = new Date().toISOString();
      const nonce = randomUUID();
      let res: Response;
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-sms-access-key': opts.accessKey,
            'x-sms-timestamp': timestamp,
            'x-sms-nonce': nonce,
            'x-sms-signature': signSmsRequest(opts.accessSecret, path, timestamp, nonce, body),
          },
          body,
          signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
        });
      } catch (err) {
        const code = (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection';
        throw new ChannelError(`SMS gateway unreachable: ${(err as Error).message}`, 'sms', true, code, {
          cause: err,
        });
      }
      const text = await res.text();
      if (res.status === 429 || res.status >= 500) {
        throw new ChannelError(
          `SMS gateway HTTP ${res.status}: ${text.slice(0, 200)}`,
          'sms',
          true,
          `http-${res.status}`,
        );
      }
      let answer: { Code?: string; Message?: string; BizId?: string; Duplicate?: boolean };
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch (err) {
        throw new ChannelError(
          `SMS gateway HTTP ${res.status}, not JSON`,
          'sms',
          res.ok,
          `http-${res.status}`,
          { cause: err },
        );
      }
      const code = answer.Code ?? `http-${res.status}`;
      if (res.ok && code === 'OK' && answer.BizId) {
        return {
          providerMessageId: answer.BizId,
          response: `${code} ${answer.Message ?? ''}`.trim(),
          duplicate: answer.Duplicate === true,
        };
      }
      const permanent = PERMANENT_CODES.has(code) || (res.status >= 400 && res.status < 500);
      throw new ChannelError(
        `SMS gateway refused: ${code} ${answer.Message ?? ''}`.trim(),
        'sms',
        !permanent,
        code,
      );
    },
    close() {},
  };
}

export function createDisabledSmsChannel(signName: string): SmsChannel {
  return {
    enabled: false,
    signName,
    send() {
      return Promise.reject(
        new ChannelError('no SMS gateway configured (SMS_GATEWAY_URL)', 'sms', false, 'not-configured'),
      );
    },
    close() {},
  };
}
