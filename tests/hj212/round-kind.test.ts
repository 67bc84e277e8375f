/**
 * The commit rounds' measurement kind reads its reference data through the receiver's pool, whichever pooled
 * client the round holds: the reference index is cached per Queryable, and reading through each client kept
 * one copy of the whole index per client (up to DATABASE_POOL_SIZE; several live in a bench:hj212 heap snapshot).
 */
import { describe, expect, it } from 'vitest';
import { roundKind } from '../../services/ingest/hj212/round-kind.js';
import { useTestDatabase } from '../helpers/test-db.js';
import { seedRealReference } from '../ingest/fixtures.js';

const db = useTestDatabase();

describe('roundKind', () => {
  it("prepares its validator through the pool it was given, not the round's client", async () => {
    await seedRealReference(db.pool);
    const kind = roundKind(5_000, db.pool);
    const clients = [await db.pool.connect(), await db.pool.connect()];
    const seen: string[] = [];
    try {
      for (const c of clients) {
        const query = c.query.bind(c);
        c.query = ((text: unknown, values?: unknown) => {
          seen.push(String(typeof text === 'string' ? text : (text as { text: string }).text));
          return query(text as string, values as unknown[]);
        }) as typeof c.query;
      }
      const validate = await kind.prepare(clients[0]!);
      kind.invalidate();
      await kind.prepare(clients[1]!);
      expect(seen).toEqual([]);
      const v = validate(
        { time: '2026-01-10T12:00:00+08:00', series: 'nonexistent_site', metric: 'pm25', value: '1' },
        new Date('2026-01-11T00:00:00Z'),
      );
      expect(v.ok ? 'ok' : v.code).toBe('UNKNOWN_SERIES');
    } finally {
      clients.forEach((c) => c.release());
    }
  });
});
