/**
 * The PostgreSQL pool and the type parsers every query relies on. Dates (`date` columns) stay
 * `YYYY-MM-DD` strings: they are Asia/Shanghai natural days, and turning them into JS Dates at UTC midnight
 * would shift them by a day in any report that formats them locally.
 */
import pg from 'pg';

let parsersInstalled = false;

function installTypeParsers(): void {
  if (parsersInstalled) return;
  parsersInstalled = true;
  // int8: counts and bigserial ids stay well below 2^53 in this domain.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
}

export interface PoolOptions {
  connectionString: string;
  max?: number;
  applicationName?: string;
  /** How long a checkout waits for a connection (a new one, or a free slot) before failing; default 10 s. */
  connectTimeoutMs?: number;
}

export function createPool(opts: PoolOptions): pg.Pool {
  installTypeParsers();
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    application_name: opts.applicationName ?? 'envwatch',
    // Keep the session in UTC: timestamps are stored in UTC and bucketed explicitly in Asia/Shanghai.
    options: '-c timezone=UTC',
    // The API and workers pass PG_CONNECT_TIMEOUT_MS (3 s): a request meeting a database that is down must get
    // its 503 + Retry-After quickly rather than hold its socket for 10 s (issue #20). The CLI keeps 10 s.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next checkout reconnects.
  pool.on('error', (err) => {
    process.emitWarning(`postgres idle client error: ${err.message}`);
  });
  // The pool listens for errors only on idle clients. A checked-out client (a bulk load, an ingest batch, a
  // transaction) that loses its connection emits 'error' with nobody listening, and Node ends the process
  // (issue #20). Every client gets a listener of its own: the loss reaches the holder as the failure of its
  // running or next query (which fails its batch), and the pool discards the dead client when it comes back.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  return pool;
}
