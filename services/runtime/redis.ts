/** Redis connections for BullMQ: workers need maxRetriesPerRequest = null (blocking commands). */
import { Redis } from 'ioredis';

export function createRedis(url: string, opts: { forWorkers?: boolean } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: opts.forWorkers ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}

export async function readRedisInfo(
  redis: Redis,
): Promise<{ version: string; maxmemoryPolicy: string; usedMemory: number }> {
  const info = await redis.info();
  const field = (k: string) => new RegExp(`^${k}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';
  const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
  return {
    version: field('redis_version'),
    maxmemoryPolicy: policy[1] ?? field('maxmemory_policy'),
    usedMemory: Number(field('used_memory')),
  };
}
