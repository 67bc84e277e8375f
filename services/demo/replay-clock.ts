/**
 * The replayed time shared with role processes outside the demo's own (the scaled-out replay: worker and
 * receiver processes of their own). The replay owns the time: after each move it writes the instant to Redis and
 * waits until every follower has taken it, so no job of the next step runs at the previous step's "now" —
 * validation, alert stamps, quiet hours and escalations all read the clock. Followers poll (a GET every 25 ms)
 * rather than subscribe: a poll cannot miss a move that happened while it was connecting.
 */
import type { Redis } from 'ioredis';
import { ManualClock } from '../time/shanghai.js';

const POLL_MS = 25;

const clockKey = (prefix: string) => `${prefix}:demo:replay-clock`;
const ackKey = (prefix: string, follower: string) => `${prefix}:demo:replay-clock-ack:${follower}`;

/** The replay's side: publish `instant` and resolve once every named follower has taken it. */
export async function publishReplayTime(
  redis: Redis,
  prefix: string,
  instant: Date,
  followers: readonly string[],
  timeoutMs = 60_000,
): Promise<void> {
  const value = String(instant.getTime());
  await redis.set(clockKey(prefix), value);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const acks = followers.length > 0 ? await redis.mget(...followers.map((f) => ackKey(prefix, f))) : [];
    if (acks.every((a) => a === value)) return;
    if (Date.now() > deadline) {
      const behind = followers.filter((_, i) => acks[i] !== value);
      throw new Error(
        `回放时钟未同步 replayed time not taken within ${timeoutMs} ms by: ${behind.join(', ')}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS / 2));
  }
}

export interface FollowedClock {
  clock: ManualClock;
  /** Resolves once the replay's time has been read the first time. */
  ready: Promise<void>;
  stop(): void;
}

/** A follower's side: a clock that is the replay's time, acknowledged under `follower`. */
export function followReplayTime(redis: Redis, prefix: string, follower: string): FollowedClock {
  const clock = new ManualClock(new Date(0));
  let last: string | null = null;
  let stopped = false;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const poll = async () => {
    while (!stopped) {
      const value = await redis.get(clockKey(prefix));
      if (value !== null && value !== last) {
        clock.set(new Date(Number(value)));
        last = value;
        await redis.set(ackKey(prefix, follower), value);
        markReady();
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
  void poll();
  return { clock, ready, stop: () => void (stopped = true) };
}
