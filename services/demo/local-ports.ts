/**
 * The dashboard's port: the configured HTTP_PORT when it is free, otherwise any free port — a second
 * envwatch (say `npm start` in another terminal) must not make the demo fail at the very end.
 */
import { createServer } from 'node:net';

function tryListen(host: string, port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(null);
      else reject(err);
    });
    server.listen(port, host, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

export async function findHttpPort(host: string, preferred: number): Promise<number> {
  const port = (await tryListen(host, preferred)) ?? (await tryListen(host, 0));
  if (port === null) throw new Error(`no free TCP port on ${host}`);
  return port;
}
