/**
 * A local Tencent Cloud SMS endpoint (API 3.0, version 2021-01-11) for tests. It VERIFIES every request's
 * TC3-HMAC-SHA256 signature — rebuilding the canonical request from the headers the Authorization header
 * says were signed, implemented here independently of services/notify/sms-tencent.ts — and the timestamp,
 * and answers in Tencent's shapes (always HTTP 200): { Response: { Error: { Code, Message }, RequestId } }
 * for a refused request, SendStatusSet[] per number for SendSms, PullSmsSendStatusSet[] for the delivery
 * reports, each report handed out once. It does not deduplicate a repeated SessionContext.
 */
import { createHash, createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  approvedTemplates,
  duplicatesOf,
  listen,
  newFakeState,
  sleep,
  type ProviderMessage,
} from './sms-fake-common.js';

export interface TencentFake {
  endpoint: string;
  secretId: string;
  secretKey: string;
  sdkAppId: string;
  messages: ProviderMessage[];
  requests: { action: string; status: number; code: string }[];
  readonly duplicates: number;
  /** Answer the next SendSms requests with these codes, one each (request-level or per-number, as Tencent does). */
  script(...codes: string[]): void;
  refuse(phone: string): void;
  setReplyDelay(ms: number): void;
  report(serialNo: string, status: 'SUCCESS' | 'FAIL', description?: string): void;
  waitFor(count: number, timeoutMs?: number): Promise<ProviderMessage[]>;
  close(): Promise<void>;
}

/** Codes Tencent reports per number in SendStatusSet rather than for the whole request. */
const PER_NUMBER = new Set([
  'LimitExceeded.PhoneNumberDailyLimit',
  'LimitExceeded.PhoneNumberThirtySecondLimit',
  'LimitExceeded.PhoneNumberOneHourLimit',
  'InvalidParameterValue.IncorrectPhoneNumber',
  'FailedOperation.PhoneNumberInBlacklist',
]);

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const mac = (k: string | Buffer, s: string) => createHmac('sha256', k).update(s, 'utf8').digest();

function verify(req: IncomingMessage, body: string, secretId: string, secretKey: string): string | null {
  const auth = String(req.headers.authorization ?? '');
  const m =
    /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(
      auth,
    );
  if (!m) return 'AuthFailure.SignatureFailure';
  const [, id, date, service, signedHeaders, signature] = m as unknown as string[];
  if (id !== secretId) return 'AuthFailure.SecretIdNotFound';
  const ts = Number(req.headers['x-tc-timestamp']);
  if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return 'AuthFailure.SignatureExpire';
  if (new Date(ts * 1000).toISOString().slice(0, 10) !== date || service !== 'sms')
    return 'AuthFailure.SignatureFailure';
  const names = signedHeaders!.split(';');
  if (!names.includes('content-type') || !names.includes('host')) return 'AuthFailure.SignatureFailure';
  const canonicalHeaders = names
    .map(
      (h) =>
        `${h}:${String(req.headers[h] ?? '')
          .trim()
          .toLowerCase()}\n`,
    )
    .join('');
  const canonical = `POST\n/\n\n${canonicalHeaders}\n${signedHeaders}\n${hex(body)}`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${date}/${service}/tc3_request\n${hex(canonical)}`;
  const key = mac(mac(mac(`TC3${secretKey}`, date!), service!), 'tc3_request');
  return createHmac('sha256', key).update(toSign, 'utf8').digest('hex') === signature
    ? null
    : 'AuthFailure.SignatureFailure';
}

export async function startTencentFake(
  opts: { secretId?: string; secretKey?: string } = {},
): Promise<TencentFake> {
  const secretId = opts.secretId ?? 'AKID-test-id';
  const secretKey = opts.secretKey ?? 'tencent-test-key';
  const sdkAppId = '1400000001';
  const templates = approvedTemplates();
  const state = newFakeState();
  const reports: {
    SerialNo: string;
    PhoneNumber: string;
    ReportStatus: string;
    Description: string;
    UserReceiveUnixTime: number;
    SessionContext: string;
  }[] = [];

  const respond = (res: ServerResponse, action: string, code: string, body: Record<string, unknown>) => {
    state.requests.push({ action, status: 200, code });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ Response: { ...body, RequestId: `req-${++state.seq}` } }));
  };
  const error = (res: ServerResponse, action: string, code: string) =>
    respond(res, action, code, { Error: { Code: code, Message: code } });
  const perNumber = (res: ServerResponse, phone: string, code: string, extra: Record<string, unknown> = {}) =>
    respond(res, 'SendSms', code, {
      SendStatusSet: [
        {
          SerialNo: '',
          PhoneNumber: phone,
          Fee: 0,
          SessionContext: '',
          Code: code,
          Message: code,
          IsoCode: 'CN',
          ...extra,
        },
      ],
    });

  const sendSms = async (res: ServerResponse, r: Record<string, unknown>) => {
    const phone = (r.PhoneNumberSet as string[] | undefined)?.[0] ?? '';
    const scripted = state.scripted.shift();
    if (scripted)
      return PER_NUMBER.has(scripted) ? perNumber(res, phone, scripted) : error(res, 'SendSms', scripted);
    if (r.SmsSdkAppId !== sdkAppId)
      return error(res, 'SendSms', 'UnauthorizedOperation.SmsSdkAppIdVerifyFail');
    const template = templates.get(String(r.TemplateId));
    if (!template) return error(res, 'SendSms', 'FailedOperation.TemplateIncorrectOrUnapproved');
    if (!/^\+861\d{10}$/.test(phone) || state.refused.has(phone))
      return perNumber(res, phone, 'InvalidParameterValue.IncorrectPhoneNumber');
    const values = (r.TemplateParamSet as string[] | undefined) ?? [];
    // Tencent's templates number their variables {1}, {2}…: ours are filed in order of appearance.
    const names = [...new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((x) => x[1]!))];
    if (values.length !== names.length)
      return error(res, 'SendSms', 'InvalidParameterValue.TemplateParameterFormatError');
    const params = Object.fromEntries(names.map((n, i) => [n, values[i]!]));
    const msg: ProviderMessage = {
      outId: String(r.SessionContext ?? ''),
      phone,
      templateCode: String(r.TemplateId),
      params,
      text: `【${String(r.SignName)}】${template.replace(/\$\{(\w+)\}/g, (_, k: string) => params[k] ?? '')}`,
      providerId: `2640:${++state.seq}`,
      sentAt: new Date(),
    };
    state.accepted.push(msg);
    if (state.replyDelayMs > 0) await sleep(state.replyDelayMs);
    return perNumber(res, phone, 'Ok', {
      SerialNo: msg.providerId,
      Fee: 1,
      SessionContext: msg.outId,
      Message: 'send success',
    });
  };

  const { port, close } = await listen(async (req, res, body) => {
    const action = String(req.headers['x-tc-action'] ?? '');
    const failed = verify(req, body, secretId, secretKey);
    if (failed) return error(res, action, failed);
    if (req.headers['x-tc-version'] !== '2021-01-11') return error(res, action, 'InvalidParameter');
    const r = JSON.parse(body) as Record<string, unknown>;
    if (action === 'SendSms') return sendSms(res, r);
    if (action === 'PullSmsSendStatus') {
      const limit = Number(r.Limit ?? 100);
      return respond(res, action, 'Ok', { PullSmsSendStatusSet: reports.splice(0, limit) });
    }
    return error(res, action, 'InvalidAction');
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secretId,
    secretKey,
    sdkAppId,
    messages: state.accepted.items,
    requests: state.requests,
    get duplicates() {
      return duplicatesOf(state.accepted.items);
    },
    script: (...codes) => void state.scripted.push(...codes),
    refuse: (phone) => void state.refused.add(phone),
    setReplyDelay: (ms) => void (state.replyDelayMs = ms),
    report(serialNo, status, description) {
      const msg = state.accepted.items.find((m) => m.providerId === serialNo);
      reports.push({
        SerialNo: serialNo,
        PhoneNumber: msg?.phone ?? '',
        ReportStatus: status,
        Description: description ?? (status === 'SUCCESS' ? '用户接收成功' : '用户拒收'),
        UserReceiveUnixTime: Math.floor(Date.now() / 1000),
        SessionContext: msg?.outId ?? '',
      });
    },
    waitFor: (count, timeoutMs) => state.accepted.waitFor(count, timeoutMs),
    close,
  };
}
