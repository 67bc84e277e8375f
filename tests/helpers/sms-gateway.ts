/**
 * A local SMS gateway speaking the protocol of services/notify/sms-channel.ts (the style of the Chinese
 * providers): signed JSON requests, pre-approved templates, OutId deduplication. It records what it
 * accepted — i.e. what would reach phones — once per OutId, and every raw request. Tests can make it answer
 * HTTP 429/5xx, refuse numbers, or reject requests with a provider code.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { signSmsRequest } from '../../services/notify/sms-gateway-provider.js';
import { fillTemplate } from '../../services/notify/sms-templates.js';
import { approvedTemplates } from './sms-fake-common.js';
import { Arrivals } from './arrivals.js';

export interface GatewayMessage {
  outId: string;
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  /** As a phone would show it: 【signature】 + filled template. */
  text: string;
  bizId: string;
}

export interface SmsGateway {
  url: string;
  accessKey: string;
  accessSecret: string;
  /** Accepted messages, one per OutId: what was sent to phones. */
  messages: GatewayMessage[];
  /** Every request received, including repeats and failures. */
  requests: { outId: string; status: number; code: string }[];
  /** Requests whose OutId had been accepted before (answered with the original BizId, not sent again). */
  duplicates: number;
  /** Answer every request with this HTTP status (429, 500, 503…) until cleared with null. */
  failWith(status: number | null): void;
  /** Refuse a number as the providers do (isv.MOBILE_NUMBER_ILLEGAL). */
  refuse(phone: string): void;
  /** Hold every answer this long after a message is accepted (the window in which a killed client cannot know). */
  setReplyDelay(ms: number): void;
  waitFor(count: number, timeoutMs?: number): Promise<GatewayMessage[]>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSmsGateway(
  opts: { accessKey?: string; accessSecret?: string } = {},
): Promise<SmsGateway> {
  const accessKey = opts.accessKey ?? 'test-access-key';
  const accessSecret = opts.accessSecret ?? 'test-access-secret';
  const templates = approvedTemplates();
  const arrivals = new Arrivals<GatewayMessage>('SMS');
  const messages = arrivals.items;
  const requests: SmsGateway['requests'] = [];
  const byOutId = new Map<string, GatewayMessage>();
  const refused = new Set<string>();
  let failure: number | null = null;
  let duplicates = 0;
  let replyDelayMs = 0;
  let seq = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const answer = (status: number, code: string, extra: Record<string, unknown> = {}, outId = '') => {
        requests.push({ outId, status, code });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Code: code,
            Message: code === 'OK' ? 'OK' : code,
            RequestId: `req-${++seq}`,
            ...extra,
          }),
        );
      };
      const h = (k: string) => String(req.headers[k] ?? '');
      const expected = signSmsRequest(
        accessSecret,
        req.url ?? '/',
        h('x-sms-timestamp'),
        h('x-sms-nonce'),
        body,
      );
      if (h('x-sms-access-key') !== accessKey || h('x-sms-signature') !== expected)
        return answer(403, 'SignatureDoesNotMatch');
      const r = JSON.parse(body) as {
        PhoneNumbers: string;
        SignName: string;
        TemplateCode: string;
        TemplateParam: string;
        OutId: string;
      };
      if (failure !== null) return answer(failure, `http-${failure}`, {}, r.OutId);
      const seen = byOutId.get(r.OutId);
      if (seen) {
        duplicates += 1;
        return answer(200, 'OK', { BizId: seen.bizId, Duplicate: true }, r.OutId);
      }
      if (refused.has(r.PhoneNumbers)) return answer(200, 'isv.MOBILE_NUMBER_ILLEGAL', {}, r.OutId);
      const template = templates.get(r.TemplateCode);
      if (!template) return answer(200, 'isv.SMS_TEMPLATE_ILLEGAL', {}, r.OutId);
      const params = JSON.parse(r.TemplateParam) as Record<string, string>;
      let text: string;
      try {
        text = `【${r.SignName}】${fillTemplate(template, params)}`;
      } catch {
        return answer(200, 'isv.TEMPLATE_MISSING_PARAMETERS', {}, r.OutId);
      }
      const msg: GatewayMessage = {
        outId: r.OutId,
        phone: r.PhoneNumbers,
        signName: r.SignName,
        templateCode: r.TemplateCode,
        params,
        text,
        bizId: `biz-${++seq}`,
      };
      byOutId.set(r.OutId, msg);
      arrivals.push(msg);
      if (replyDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, replyDelayMs));
      return answer(200, 'OK', { BizId: msg.bizId }, r.OutId);
    })().catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/sms/send`,
    accessKey,
    accessSecret,
    messages,
    requests,
    get duplicates() {
      return duplicates;
    },
    failWith(status) {
      failure = status;
    },
    setReplyDelay(ms) {
      replyDelayMs = ms;
    },
    refuse(phone) {
      refused.add(phone.replace(/^\+86/, ''));
    },
    waitFor: (count, timeoutMs) => arrivals.waitFor(count, timeoutMs),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
