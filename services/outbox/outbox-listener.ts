/**
 * Relays the outbox as soon as a writer commits: the migration's trigger NOTIFYs `envwatch_outbox` on
 * every insert, this loop LISTENs on a connection of its own and relays. Notifications that arrive while a
 * relay runs are folded into one more pass, so a burst of commits costs a few relays, not one each. A
 * periodic poll covers notifications lost while the connection was down; the cron `relay-outbox` sweep
 * stays as the last safety net.
 */
import type pg from 'pg';
import type { Queue } from 'bullmq';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logging.js';
import { relayAll } from './outbox.js';

export interface OutboxListener {
  /** Resolves once the first LISTEN is in place. */
  ready: Promise<void>;
  close(): Promise<void>;
}

export function startOutboxListener(deps: {
  db: pg.Pool;
  queues: Readonly<Record<string, Queue>>;
  logger: Logger;
  pollMs?: number;
}): OutboxListener {
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let client: pg.PoolClient | null = null;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });

  const relay = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await relayAll(deps.db, deps.queues);
        } catch (err) {
          deps.logger.error(
            { err: errorMessage(err) },
            'outbox relay failed; the next notification or poll retries',
          );
        }
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
  };

  /** Detaches our handlers from the listening connection before it goes back to the pool. */
  let detach: () => void = () => undefined;

  const connect = async (): Promise<void> => {
    try {
      const c = await deps.db.connect();
      if (closed) {
        c.release();
        return;
      }
      client = c;
      const onError = (err: Error) => {
        // Only while the connection is ours: once released (close(), or lost before), the pool handles it.
        if (client !== c) return;
        deps.logger.warn({ err: errorMessage(err) }, 'outbox listener connection lost; reconnecting');
        client = null;
        detach();
        c.release(true);
        if (!closed) reconnectTimer = setTimeout(() => void connect(), 1000);
      };
      detach = () => {
        c.removeListener('notification', relay);
        c.removeListener('error', onError);
      };
      c.on('notification', relay);
      c.on('error', onError);
      await c.query('LISTEN envwatch_outbox');
      markReady();
      relay(); // rows written while nobody listened
    } catch (err) {
      deps.logger.warn({ err: errorMessage(err) }, 'outbox listener could not connect; retrying');
      if (!closed) reconnectTimer = setTimeout(() => void connect(), 1000);
    }
  };

  void connect();
  const poll = setInterval(relay, deps.pollMs ?? 5000);
  poll.unref();

  return {
    ready,
    async close() {
      closed = true;
      clearInterval(poll);
      clearTimeout(reconnectTimer);
      await running;
      if (client) {
        const c = client;
        client = null;
        await c.query('UNLISTEN envwatch_outbox').catch(() => undefined);
        detach();
        c.release();
      }
    },
  };
}
