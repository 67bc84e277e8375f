/**
 * The thin database seam: every query module takes a `Queryable`, so a pool, a checked-out client and an
 * open transaction all fit, and a caller can group writes (say, an alert and its outbox rows) in one
 * transaction of its own.
 */
import type pg from 'pg';

export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<R>>;
}

/** Whether a read by key locks the row (SELECT … FOR UPDATE) for the rest of the caller's transaction. */
export interface RowLock {
  forUpdate?: boolean;
}

/** The row a query by key finds, or null when there is none (a missing row is the caller's to judge). */
export async function oneOrNull<R extends pg.QueryResultRow>(
  db: Queryable,
  text: string,
  values: readonly unknown[],
): Promise<R | null> {
  const { rows } = await db.query<R>(text, values);
  return rows[0] ?? null;
}

const IN_TRANSACTION = Symbol('envwatch.inTransaction');

export type TxClient = pg.PoolClient & { [IN_TRANSACTION]: true };

function isTxClient(q: pg.Pool | pg.PoolClient): q is TxClient {
  return (q as Partial<TxClient>)[IN_TRANSACTION] === true;
}

/** Whether `db` is a client inside withTransaction (a statement's error there aborts the whole transaction). */
export function isInTransaction(db: Queryable): boolean {
  return (db as Partial<TxClient>)[IN_TRANSACTION] === true;
}

/** Check out a client and always give it back, even when `fn` throws. */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/**
 * Run `fn` in a transaction. Called with a client that is already in one, it joins it instead of
 * nesting, so query modules can be composed without knowing who opened the transaction.
 */
export async function withTransaction<T>(
  db: pg.Pool | pg.PoolClient,
  fn: (tx: TxClient) => Promise<T>,
): Promise<T> {
  if (isTxClient(db)) return fn(db);
  const own = 'totalCount' in db;
  const client: pg.PoolClient = own ? await (db as pg.Pool).connect() : (db as pg.PoolClient);
  const tx = client as TxClient;
  await client.query('BEGIN');
  tx[IN_TRANSACTION] = true;
  try {
    const result = await fn(tx);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    delete (tx as Partial<TxClient>)[IN_TRANSACTION];
    if (own) client.release();
  }
}
