/**
 * A local Alibaba Cloud SMS endpoint (Dysmsapi 2017-05-25, RPC style) for tests. It VERIFIES every request's
 * signature v1 (HMAC-SHA1 over the sorted, RFC 3986-encoded parameters — implemented here byte by byte,
 * independently of services/notify/sms-aliyun.ts), refuses a reused SignatureNonce or a stale Timestamp,
 * and answers in Aliyun's shapes: SendSms { Code, Message, BizId, RequestId }, QuerySendDetails
 * { SmsSendDetailDTOs: { SmsSendDetailDTO: [{ SendStatus, ErrCode, ReceiveDate, … }] } }, and the POP
 * gateway's HTTP 400/404 answers for a wrong signature or key. Like the real service it does not
 * deduplicate: a repeated OutId is sent again, and counted.
 */
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  approvedTemplates,
  duplicatesOf,
  fillNamed,
  listen,
  newFakeState,
  sleep,
  type ProviderMessage,
} from './sms-fake-common.js';

export interface AliyunFake {
  endpoint: string;
  accessKeyId: string;
  accessKeySecret: string;
  messages: ProviderMessage[];
  requests: { action: string; status: number; code: string }[];
  /** Accepted messages whose OutId had been accepted before (a phone got it twice). */
  readonly duplicates: number;
  /** Answer the next SendSms requests with these codes, one each (e.g. 'isv.AMOUNT_NOT_ENOUGH'). */
  script(...codes: string[]): void;
  refuse(phone: string): void;
  setReplyDelay(ms: number): void;
  /** The carrier's report for a message: 3 delivered, 2 failed with `errCode`. */
  report(bizId: string, status: 2 | 3, errCode?: string): void;
  waitFor(count: number, timeoutMs?: number): Promise<ProviderMessage[]>;
  close(): Promise<void>;
}

/** RFC 3986 percent-encoding of the UTF-8 bytes, unreserved characters kept (Aliyun's POP rule). */
function popEncode(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function expectedSignature(method: string, params: Map<string, string>, secret: string): string {
  const names = [...params.keys()]
    .filter((k) => k !== 'Signature')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const query = names.map((k) => `${popEncode(k)}=${popEncode(params.get(k)!)}`).join('&');
  return createHmac('sha1', `${secret}&`)
    .update(`${method}&${popEncode('/')}&${popEncode(query)}`)
    .digest('base64');
}

const shanghaiStamp = (d: Date) =>
  new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');

export async function startAliyunFake(
  opts: {
    accessKeyId?: string;
    accessKeySecret?: string;
    /** The provider's idea of "now" for filing messages by send date (a test's ManualClock). */
    now?: () => Date;
  } = {},
): Promise<AliyunFake> {
  const now = opts.now ?? (() => new Date());
  const accessKeyId = opts.accessKeyId ?? 'LTAI-test-key';
  const accessKeySecret = opts.accessKeySecret ?? 'aliyun-test-secret';
  const templates = approvedTemplates();
  const state = newFakeState();
  const nonces = new Set<string>();
  const reports = new Map<string, { status: 2 | 3; errCode: string; at: Date }>();

  const answer = (res: ServerResponse, action: string, status: number, body: Record<string, unknown>) => {
    const code = String(body.Code ?? '');
    state.requests.push({ action, status, code });
    res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
    res.end(JSON.stringify({ RequestId: `req-${++state.seq}`, ...body }));
  };
  const refusal = (code: string) => ({ Code: code, Message: code });

  const sendSms = async (res: ServerResponse, p: Map<string, string>) => {
    const scripted = state.scripted.shift();
    if (scripted) return answer(res, 'SendSms', 200, refusal(scripted));
    const phone = p.get('PhoneNumbers') ?? '';
    if (!/^1\d{10}$/.test(phone) || state.refused.has(phone))
      return answer(res, 'SendSms', 200, refusal('isv.MOBILE_NUMBER_ILLEGAL'));
    const template = templates.get(p.get('TemplateCode') ?? '');
    if (!template) return answer(res, 'SendSms', 200, refusal('isv.SMS_TEMPLATE_ILLEGAL'));
    const params = JSON.parse(p.get('TemplateParam') ?? '{}') as Record<string, string>;
    if (Object.values(params).some((v) => [...v].length > 35))
      return answer(res, 'SendSms', 200, refusal('isv.PARAM_LENGTH_LIMIT'));
    const filled = fillNamed(template, params);
    if (filled === null) return answer(res, 'SendSms', 200, refusal('isv.TEMPLATE_MISSING_PARAMETERS'));
    const msg: ProviderMessage = {
      outId: p.get('OutId') ?? '',
      phone,
      templateCode: p.get('TemplateCode')!,
      params,
      text: `【${p.get('SignName')}】${filled}`,
      providerId: `${Date.now()}^${++state.seq}`,
      sentAt: now(),
    };
    state.accepted.push(msg);
    if (state.replyDelayMs > 0) await sleep(state.replyDelayMs);
    return answer(res, 'SendSms', 200, { Code: 'OK', Message: 'OK', BizId: msg.providerId });
  };

  const querySendDetails = (res: ServerResponse, p: Map<string, string>) => {
    const msg = state.accepted.items.find(
      (m) => m.providerId === p.get('BizId') && m.phone === p.get('PhoneNumber'),
    );
    const day = msg ? shanghaiStamp(msg.sentAt).slice(0, 10).replaceAll('-', '') : '';
    if (!msg || day !== p.get('SendDate'))
      return answer(res, 'QuerySendDetails', 200, {
        Code: 'OK',
        Message: 'OK',
        TotalCount: 0,
        SmsSendDetailDTOs: { SmsSendDetailDTO: [] },
      });
    const r = reports.get(msg.providerId);
    const detail = {
      PhoneNum: msg.phone,
      SendStatus: r?.status ?? 1,
      ErrCode: r?.errCode ?? '',
      TemplateCode: msg.templateCode,
      Content: msg.text,
      SendDate: shanghaiStamp(msg.sentAt),
      ReceiveDate: r ? shanghaiStamp(r.at) : '',
      OutId: msg.outId,
    };
    return answer(res, 'QuerySendDetails', 200, {
      Code: 'OK',
      Message: 'OK',
      TotalCount: 1,
      SmsSendDetailDTOs: { SmsSendDetailDTO: [detail] },
    });
  };

  const { port, close } = await listen(async (req, res, body) => {
    const p = new Map(new URLSearchParams(body));
    const action = p.get('Action') ?? '';
    if (p.get('AccessKeyId') !== accessKeyId)
      return answer(res, action, 404, {
        Code: 'InvalidAccessKeyId.NotFound',
        Message: 'Specified access key is not found.',
      });
    if (
      p.get('SignatureMethod') !== 'HMAC-SHA1' ||
      p.get('SignatureVersion') !== '1.0' ||
      p.get('Version') !== '2017-05-25'
    )
      return answer(res, action, 400, {
        Code: 'IncompleteSignature',
        Message: 'The request signature does not conform to Aliyun standards.',
      });
    if (p.get('Signature') !== expectedSignature(req.method ?? 'POST', p, accessKeySecret))
      return answer(res, action, 400, {
        Code: 'SignatureDoesNotMatch',
        Message: 'Specified signature is not matched with our calculation.',
      });
    const stamp = Date.parse(p.get('Timestamp') ?? '');
    if (!/Z$/.test(p.get('Timestamp') ?? '') || !(Math.abs(Date.now() - stamp) < 15 * 60_000))
      return answer(res, action, 400, {
        Code: 'InvalidTimeStamp.Expired',
        Message: 'Specified time stamp or date value is expired.',
      });
    const nonce = p.get('SignatureNonce') ?? '';
    if (nonces.has(nonce))
      return answer(res, action, 400, {
        Code: 'SignatureNonceUsed',
        Message: 'Specified signature nonce was used already.',
      });
    nonces.add(nonce);
    if (action === 'SendSms') return sendSms(res, p);
    if (action === 'QuerySendDetails') return querySendDetails(res, p);
    return answer(res, action, 404, { Code: 'InvalidAction.NotFound', Message: `unknown action ${action}` });
  });
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    accessKeyId,
    accessKeySecret,
    messages: state.accepted.items,
    requests: state.requests,
    get duplicates() {
      return duplicatesOf(state.accepted.items);
    },
    script: (...codes) => void state.scripted.push(...codes),
    refuse: (phone) => void state.refused.add(phone.replace(/^\+86/, '')),
    setReplyDelay: (ms) => void (state.replyDelayMs = ms),
    report: (bizId, status, errCode) =>
      void reports.set(bizId, {
        status,
        errCode: errCode ?? (status === 3 ? 'DELIVERED' : 'UNDELIV'),
        at: now(),
      }),
    waitFor: (count, timeoutMs) => state.accepted.waitFor(count, timeoutMs),
    close,
  };
}
