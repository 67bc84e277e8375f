/**
 * Issue #20 (critical): an SMTP outage stopped all notifications. A relay that accepts TCP and drops it at
 * once (a restarting server, a balancer in front of a dead one) left pooled sends pending for ever — the
 * per-phase socket timeouts never fire on a socket already closed — so they filled the deliveries worker.
 * Every send must now settle within the overall send timeout as a temporary failure, and the same channel
 * must deliver once the relay is back.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createEmailChannel, type EmailChannel } from '../../services/notify/email-channel.js';
import { ChannelError } from '../../services/notify/channel-error.js';

type Mode = 'drop' | 'serve';

/** A minimal SMTP relay on the real protocol: `drop` closes each connection on accept, `serve` accepts mail. */
async function startRelay(): Promise<{
  port: number;
  accepted: string[];
  setMode(m: Mode): void;
  close(): Promise<void>;
}> {
  let mode: Mode = 'drop';
  const accepted: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => sockets.delete(s));
    if (mode === 'drop') {
      s.destroy();
      return;
    }
    serveSmtp(s, accepted);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted,
    setMode: (m) => {
      mode = m;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serveSmtp(s: net.Socket, accepted: string[]): void {
  let buf = '';
  let data: string[] | null = null;
  s.write('220 relay ESMTP\r\n');
  s.on('data', (chunk: Buffer) => {
    buf += chunk.toString('latin1');
    for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      if (data) {
        if (line !== '.') data.push(line);
        else {
          const id = /^Message-ID: (.*)$/im.exec(data.join('\n'))?.[1] ?? '?';
          accepted.push(id);
          data = null;
          s.write(`250 2.0.0 Ok: queued as Q${accepted.length}\r\n`);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === 'DATA') {
        data = [];
        s.write('354 end with .\r\n');
      } else if (verb === 'QUIT') s.end('221 bye\r\n');
      else s.write('250 ok\r\n');
    }
  });
}

let channel: EmailChannel | undefined;
afterEach(() => channel?.close());

describe('SMTP outage', () => {
  it('settles every send within the overall timeout, then delivers with the same channel once SMTP is back', async () => {
    const relay = await startRelay();
    channel = createEmailChannel({
      smtpUrl: `smtp://127.0.0.1:${relay.port}`,
      from: 'envwatch <envwatch@localhost>',
      timeoutMs: 400,
      sendTimeoutMs: 1500,
      maxConnections: 2,
    });
    const send = (i: number) =>
      channel!.send({ to: 'duty@example.org', subject: `s${i}`, text: 't', messageId: `<m${i}@envwatch>` });

    const started = Date.now();
    const during = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => send(i)));
    const elapsed = Date.now() - started;
    expect(during.map((r) => r.status)).toEqual(Array(6).fill('rejected'));
    for (const r of during) {
      const err = (r as PromiseRejectedResult).reason as unknown;
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).temporary).toBe(true); // retried later, never failed for good
    }
    expect(elapsed).toBeLessThan(4000);

    relay.setMode('serve');
    const after = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => send(10 + i)));
    expect(after.map((r) => r.status)).toEqual(Array(6).fill('fulfilled'));
    expect([...relay.accepted].sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `<m${10 + i}@envwatch>`).sort(),
    );
    await relay.close();
  }, 15_000);
});
