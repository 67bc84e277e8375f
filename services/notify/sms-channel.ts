/**
 * The SMS channel: one interface, one module per provider behind it (sms-aliyun.ts, sms-tencent.ts,
 * sms-gateway-provider.ts), chosen by SMS_PROVIDER (channels.ts). Every provider sends only pre-approved
 * templates (template code + variables) under an approved signature (签名), and none of them deduplicates
 * a repeated request (Aliyun's SendSms documents that it is not idempotent): a request that may have
 * reached the provider is the evidence recover-leases.ts decides by (SMS_AMBIGUOUS_POLICY).
 */
import { ChannelError } from './channel-error.js';
import { unlimited, type RateLimiter } from './rate-limiter.js';
import { classifySmsCode, type SmsErrorClass } from './sms-error-codes.js';

export type SmsProviderName = 'gateway' | 'aliyun' | 'tencent';

export interface SmsMessage {
  /** E.164, +86…; each provider formats it as it expects. */
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** The template's variables in the order they appear (Tencent's TemplateParamSet is positional). */
  paramOrder: readonly string[];
  /** Our id for the message (OutId / SessionContext): traced back in receipts and provider logs. */
  outId: string;
}

export interface SmsResult {
  providerMessageId: string;
  response: string;
  /** Only the generic gateway can say so (it drops a repeated OutId); real providers never do. */
  duplicate: boolean;
}

export interface SmsSendHooks {
  /** Runs right before the request leaves: from then on, the provider may have the message. */
  beforeRequest?: () => Promise<void>;
}

/** A sent message whose delivery report is awaited. */
export interface SmsReceiptQuery {
  providerMessageId: string;
  phone: string;
  sentAt: Date;
}

export interface SmsReceipt {
  providerMessageId: string;
  status: 'delivered' | 'failed';
  /** The carrier's / provider's report code: 'DELIVERED', 'UNDELIV', 'MK:0001', 'SUCCESS' … */
  code: string;
  description: string;
  at: Date | null;
}

export interface SmsLimits {
  /** Characters per template variable the provider accepts. */
  variableMax: number;
}

export interface SmsChannel {
  /** False when no provider is configured: routing then plans no SMS at all. */
  readonly enabled: boolean;
  readonly provider: SmsProviderName | 'none';
  readonly signName: string;
  readonly limits: SmsLimits;
  send(msg: SmsMessage, hooks?: SmsSendHooks): Promise<SmsResult>;
  /**
   * Delivery reports for messages sent earlier. Aliyun is asked per message (QuerySendDetails); Tencent
   * hands out each report once (PullSmsSendStatus), whichever message it is about; the gateway has none.
   */
  receipts(pending: readonly SmsReceiptQuery[]): Promise<SmsReceipt[]>;
  close(): void;
}

/** POST with a timeout; no answer at all is temporary (the provider never said "no"). */
export async function postToProvider(
  url: string,
  init: { headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<{ status: number; text: string }> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    const code = (err as Error).name === 'TimeoutError' ? 'timeout' : 'connection';
    throw new ChannelError(`SMS provider unreachable: ${(err as Error).message}`, 'sms', true, code, {
      cause: err,
    });
  }
}

/** A provider's refusal as a ChannelError, classified by that provider's table. */
export function smsRefusal(
  provider: SmsProviderName,
  table: Readonly<Record<string, SmsErrorClass>>,
  code: string,
  message: string,
  httpStatus: number,
): ChannelError {
  const cls = classifySmsCode(table, code, httpStatus);
  return new ChannelError(
    `${provider} SMS refused: ${code} ${message}`.trim(),
    'sms',
    cls === 'retry',
    code,
    {
      account: cls === 'account',
    },
  );
}

export function parseJsonAnswer<T>(provider: SmsProviderName, status: number, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new ChannelError(
      `${provider} SMS: HTTP ${status}, not JSON: ${text.slice(0, 200)}`,
      'sms',
      status === 429 || status >= 500,
      `http-${status}`,
      { cause: err },
    );
  }
}

/** "+8613800000001" → "13800000001": the mainland number as Aliyun and the gateway take it. */
export function mainlandNumber(phone: string): string {
  return phone.replace(/^\+86/, '');
}

export function createDisabledSmsChannel(signName: string): SmsChannel {
  return {
    enabled: false,
    provider: 'none',
    signName,
    limits: { variableMax: 35 },
    send() {
      return Promise.reject(
        new ChannelError('no SMS provider configured (SMS_PROVIDER)', 'sms', false, 'not-configured'),
      );
    },
    receipts: () => Promise.resolve([]),
    close() {},
  };
}

/**
 * What every provider's channel shares: enabled, its name and sign, the variable length limit (the
 * provider's default unless configured), the rate limiter taken before each send, receipts (none unless
 * the provider has them) and nothing to close. A provider file gives only how it sends and asks.
 */
export function providerSmsChannel(
  provider: SmsProviderName,
  opts: { signName: string; variableMax?: number; limiter?: RateLimiter },
  defaultVariableMax: number,
  impl: Pick<SmsChannel, 'send'> & Partial<Pick<SmsChannel, 'receipts'>>,
): SmsChannel {
  const limiter = opts.limiter ?? unlimited;
  return {
    enabled: true,
    provider,
    signName: opts.signName,
    limits: { variableMax: opts.variableMax ?? defaultVariableMax },
    async send(msg, hooks = {}) {
      await limiter.acquire();
      return impl.send(msg, hooks);
    },
    receipts: impl.receipts ?? (() => Promise.resolve([])),
    close() {},
  };
}
