/**
 * A TCP proxy a test controls, between envwatch and a real server (PostgreSQL, Redis): `cut()` drops every
 * connection and refuses new ones (the server unreachable), `hang()` drops them and accepts new ones that never
 * answer (a host gone silent behind a firewall: only a timeout tells), `restore()` lets them through again.
 */
import net from 'node:net';

export interface TcpProxy {
  port: number;
  cut(): void;
  hang(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let open = true;
  let silent = false;
  const pairs = new Set<net.Socket>();
  const held = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (silent) {
      held.add(client);
      client.on('error', () => undefined);
      client.on('close', () => held.delete(client));
      return; // accepted, read, never answered
    }
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    for (const s of [client, upstream]) {
      pairs.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        pairs.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      open = false;
      for (const s of pairs) s.destroy();
    },
    hang() {
      silent = true;
      for (const s of pairs) s.destroy();
    },
    restore() {
      open = true;
      silent = false;
      for (const s of held) s.destroy();
    },
    async close() {
      open = false;
      for (const s of [...pairs, ...held]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
