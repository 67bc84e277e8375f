/** The per-channel rate limit shared through Redis: over the limit, callers wait for the next window. */
import { afterAll, describe, expect, it } from 'vitest';
import { createRedisRateLimiter } from '../../services/notify/rate-limiter.js';
import { createTestRedis, deleteKeysWithPrefix, uniqueQueuePrefix } from '../helpers/test-redis.js';

const redis = createTestRedis();
const prefix = uniqueQueuePrefix();

afterAll(async () => {
  await deleteKeysWithPrefix(redis, prefix);
  redis.disconnect();
});

function limiter(perSecond: number, start: number) {
  let now = start;
  const waits: number[] = [];
  // Two limiters on one key stand for two worker processes.
  const make = () =>
    createRedisRateLimiter({
      redis,
      key: `${prefix}:ratelimit:sms-${perSecond}`,
      perSecond,
      now: () => now,
      sleep: async (ms) => {
        waits.push(ms);
        now += ms;
      },
    });
  return { a: make(), b: make(), waits, now: () => now };
}

describe('createRedisRateLimiter', () => {
  it('lets the first N of a second through and makes the next wait for the next second', async () => {
    const l = limiter(3, 1_700_000_000_250);
    await l.a.acquire();
    await l.b.acquire();
    await l.a.acquire();
    expect(l.waits).toEqual([]);
    await l.b.acquire();
    expect(l.waits).toEqual([750]);
    expect(l.now()).toBe(1_700_000_001_000);
  });

  it('spreads fractional rates over longer windows', async () => {
    const l = limiter(0.5, 1_700_000_010_000);
    await l.a.acquire();
    await l.b.acquire();
    expect(l.waits).toEqual([2000]);
  });
});
