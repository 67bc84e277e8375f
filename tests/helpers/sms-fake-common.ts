/**
 * What the provider fakes (sms-aliyun-fake.ts, sms-tencent-fake.ts) share: the approved templates as the
 * provider would hold them, a record of every message the provider accepted — repeats included, since no
 * real provider drops them — and the knobs tests turn (a scripted error code, a refused number, a delay).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { approvedText, SMS_TEMPLATES, type SmsTemplateName } from '../../services/notify/sms-templates.js';
import { Arrivals } from './arrivals.js';

export interface ProviderMessage {
  /** Our OutId / SessionContext. */
  outId: string;
  /** As the provider got it (Aliyun 11 digits, Tencent +86…). */
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  /** As a phone shows it: 【signature】 + filled template. */
  text: string;
  /** The provider's id: Aliyun BizId, Tencent SerialNo. */
  providerId: string;
  sentAt: Date;
}

export interface FakeState {
  accepted: Arrivals<ProviderMessage>;
  /** Every request and what it was answered. */
  requests: { action: string; status: number; code: string }[];
  /** The next requests are answered with these codes (one each), before anything else is checked. */
  scripted: string[];
  /** Numbers answered with the provider's "invalid number" code. */
  refused: Set<string>;
  replyDelayMs: number;
  seq: number;
}

export function newFakeState(): FakeState {
  return {
    accepted: new Arrivals<ProviderMessage>('provider SMS'),
    requests: [],
    scripted: [],
    refused: new Set(),
    replyDelayMs: 0,
    seq: 0,
  };
}

/** The harness's PUBLIC_BASE_URL: the fixed link domain of the *_ack templates as filed. */
export const TEST_ACK_BASE = 'https://envwatch.example.gov.cn';

/** Template code → text as approved: ENVWATCH_ALERT, ENVWATCH_ALERT_EN … (no SMS_TEMPLATE_CODES in tests). */
export function approvedTemplates(ackBase = TEST_ACK_BASE): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of Object.keys(SMS_TEMPLATES) as SmsTemplateName[]) {
    out.set(`ENVWATCH_${name.toUpperCase()}`, approvedText(SMS_TEMPLATES[name].zh.text, ackBase));
    out.set(`ENVWATCH_${name.toUpperCase()}_EN`, approvedText(SMS_TEMPLATES[name].en.text, ackBase));
  }
  return out;
}

/** How many accepted messages repeat an OutId accepted before: what reached a phone twice. */
export function duplicatesOf(messages: readonly ProviderMessage[]): number {
  return messages.length - new Set(messages.map((m) => m.outId)).size;
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function listen(
  handle: (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void>,
): Promise<{ server: Server; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    void readBody(req)
      .then((body) => handle(req, res, body))
      .catch((err: unknown) => {
        res.writeHead(500);
        res.end(String(err));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fills ${name} from params; null when a variable has no value (the provider refuses the request). */
export function fillNamed(template: string, params: Record<string, string>): string | null {
  let missing = false;
  const text = template.replace(/\$\{(\w+)\}/g, (_, k: string) => {
    const v = params[k];
    if (v === undefined) missing = true;
    return v ?? '';
  });
  return missing ? null : text;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
