/**
 * The Redis side of a cron slot: who holds it (the claim) and which slots were given up without their job
 * (the orphans, per schedule), so that any scheduler — not only the one that failed — can enqueue them.
 *
 * A claim is a key holding one scheduler's token. Taking it is "set unless set, or already mine": a claim whose
 * reply was lost in a blip, or a slot this scheduler carries from an earlier tick, is its own again. Letting
 * it go is compare-and-delete in one script, so a scheduler never deletes a claim that has expired and been
 * taken by another one in between (a plain GET then DEL would).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if held == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface SlotClaims {
  /** True when this scheduler now holds the slot (it was free, or already its own). */
  claim(scheduleId: string, slot: Date): Promise<boolean>;
  /** Deletes the claim only if it is still this scheduler's; true when it did. */
  release(scheduleId: string, slot: Date): Promise<boolean>;
  /** Records a slot given up without its job, for whichever scheduler ticks next. */
  addOrphan(scheduleId: string, slot: Date): Promise<void>;
  /** Orphaned slots of a schedule from `since` on, oldest first; older ones are forgotten. */
  orphans(scheduleId: string, since: Date): Promise<Date[]>;
  /** The slot's job is enqueued: no scheduler needs to look at it again. */
  removeOrphan(scheduleId: string, slot: Date): Promise<void>;
}

/**
 * The key is the one node-cron's run coordinator used (`<prefix>:cron-slot:<schedule>:<slot ISO>`), so a
 * scheduler of the previous release running beside this one during a rolling restart still yields to it.
 */
export function slotClaimKey(prefix: string, scheduleId: string, slot: Date): string {
  return `${prefix}:cron-slot:${scheduleId}:${slot.toISOString()}`;
}

export function redisSlotClaims(
  redis: Redis,
  prefix: string,
  ttlMs: number,
  token = `${process.pid}:${randomUUID()}`,
): SlotClaims {
  const orphanKey = (scheduleId: string) => `${prefix}:cron-orphans:${scheduleId}`;
  return {
    async claim(scheduleId, slot) {
      const key = slotClaimKey(prefix, scheduleId, slot);
      return (await redis.eval(CLAIM, 1, key, token, String(ttlMs))) === 1;
    },
    async release(scheduleId, slot) {
      return (await redis.eval(RELEASE, 1, slotClaimKey(prefix, scheduleId, slot), token)) === 1;
    },
    async addOrphan(scheduleId, slot) {
      const key = orphanKey(scheduleId);
      // The set lives as long as its newest member could still be enqueued, then goes by itself.
      await redis.multi().zadd(key, slot.getTime(), slot.toISOString()).pexpire(key, ttlMs).exec();
    },
    async orphans(scheduleId, since) {
      const key = orphanKey(scheduleId);
      await redis.zremrangebyscore(key, '-inf', `(${since.getTime()}`);
      return (await redis.zrange(key, 0, -1)).map((iso) => new Date(iso));
    },
    async removeOrphan(scheduleId, slot) {
      await redis.zrem(orphanKey(scheduleId), slot.toISOString());
    },
  };
}
