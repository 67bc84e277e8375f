/**
 * SMS through envwatch's own generic HTTP gateway protocol (for a bridge in front of another provider):
 *
 * Request: POST SMS_GATEWAY_URL, JSON
 *   { PhoneNumbers: "13800000001", SignName, TemplateCode, TemplateParam: "{\"scope\":\"北苑街道\",…}", OutId }
 * signed with headers X-Sms-Access-Key, X-Sms-Timestamp (ISO 8601), X-Sms-Nonce and
 *   X-Sms-Signature = base64(HMAC-SHA256(secret, "POST\n<path>\n<timestamp>\n<nonce>\n<sha256 hex of body>")).
 * Response: { Code: "OK", Message, BizId, RequestId, Duplicate? } — a gateway MAY drop a repeated OutId and
 * say so (Duplicate: true); envwatch does not rely on it (SMS_AMBIGUOUS_POLICY decides after a crash).
 * Codes are read with Aliyun's table (the gateway speaks its codes); HTTP 429/5xx are temporary.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { RateLimiter } from './rate-limiter.js';
import { ALIYUN_ERROR_CLASSES } from './sms-error-codes.js';
import {
  mainlandNumber,
  parseJsonAnswer,
  postToProvider,
  providerSmsChannel,
  smsRefusal,
} from './sms-channel.js';
import type { SmsChannel } from './sms-channel.js';

export interface GatewayOptions {
  url: string;
  accessKey: string;
  accessSecret: string;
  signName: string;
  timeoutMs?: number;
  limiter?: RateLimiter;
  variableMax?: number;
}

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

export function createGatewaySmsChannel(opts: GatewayOptions): SmsChannel {
  const path = new URL(opts.url).pathname;
  return providerSmsChannel('gateway', opts, 35, {
    async send(msg, hooks = {}) {
      const body = JSON.stringify({
        PhoneNumbers: mainlandNumber(msg.phone),
        SignName: opts.signName,
        TemplateCode: msg.templateCode,
        TemplateParam: JSON.stringify(msg.params),
        OutId: msg.outId,
      });
      const timestamp = new Date().toISOString();
      const nonce = randomUUID();
      await hooks.beforeRequest?.();
      const { status, text } = await postToProvider(
        opts.url,
        {
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'x-sms-access-key': opts.accessKey,
            'x-sms-timestamp': timestamp,
            'x-sms-nonce': nonce,
            'x-sms-signature': signSmsRequest(opts.accessSecret, path, timestamp, nonce, body),
          },
          body,
        },
        opts.timeoutMs ?? 10_000,
      );
      if (status === 429 || status >= 500) {
        throw smsRefusal('gateway', {}, `http-${status}`, text.slice(0, 200), status);
      }
      const answer = parseJsonAnswer<{
        Code?: string;
        Message?: string;
        BizId?: string;
        Duplicate?: boolean;
      }>('gateway', status, text);
      const code = answer.Code ?? `http-${status}`;
      if (status < 300 && code === 'OK' && answer.BizId) {
        return {
          providerMessageId: answer.BizId,
          response: `${code} ${answer.Message ?? ''}`.trim(),
          duplicate: answer.Duplicate === true,
        };
      }
      throw smsRefusal('gateway', ALIYUN_ERROR_CLASSES, code, answer.Message ?? '', status);
    },
  });
}
