/**
 * A per-channel send rate shared by every worker process: a fixed window counter in Redis (INCR with an
 * expiry, in one script so a crash between the two cannot leave a counter without expiry). A caller over
 * the limit waits for the next window. Providers enforce their own limits too; staying under them keeps
 * an alert storm from turning into a wall of 429s.
 */
import type { Redis } from 'ioredis';

export interface RateLimiter {
  acquire(): Promise<void>;
}

const INCR_WITH_EXPIRY = `local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

export interface RedisRateLimiterOptions {
  redis: Redis;
  key: string;
  perSecond: number;
  /** Injectable for tests; production uses the wall clock and real timers. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function createRedisRateLimiter(o: RedisRateLimiterOptions): RateLimiter {
  // Fractional rates (0.5/s) become one message per longer window.
  const windowMs = Math.max(1000, Math.ceil(1000 / o.perSecond));
  const limit = Math.max(1, Math.floor((o.perSecond * windowMs) / 1000));
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  return {
    async acquire() {
      for (;;) {
        const t = now();
        const window = Math.floor(t / windowMs);
        const n = Number(await o.redis.eval(INCR_WITH_EXPIRY, 1, `${o.key}:${window}`, String(windowMs * 2)));
        if (n <= limit) return;
        await sleep((window + 1) * windowMs - t);
      }
    },
  };
}

export const unlimited: RateLimiter = { acquire: () => Promise.resolve() };
