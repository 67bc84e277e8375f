/**
 * Real Redis for tests, isolated by a unique BullMQ prefix per test file; every key under that prefix is
 * deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/env.js';

export function uniqueQueuePrefix(): string {
  return `envwatch-test-${randomBytes(4).toString('hex')}`;
}

export function createTestRedis(): Redis {
  return new Redis(loadConfig().REDIS_URL, { maxRetriesPerRequest: null });
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
