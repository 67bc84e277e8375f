// Load generator for bench/api.ts, run in a worker thread so the client does not share the server's event
// loop. Open loop: requests are started on a fixed schedule whatever the answers do, and each latency is
// measured from its scheduled start (no coordinated omission: a stall shows up as latency, not as fewer
// requests). Closed loop: `concurrency` requests in flight at all times, for the maximum throughput.
/* global fetch */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

const { url, headers, mode, rate, seconds, concurrency } = workerData;

async function one(scheduled) {
  try {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    return { ms: performance.now() - scheduled, ok: res.status === 200 };
  } catch {
    return { ms: performance.now() - scheduled, ok: false };
  }
}

async function openLoop() {
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  const pending = [];
  for (let i = 0; i < total; i++) {
    const at = start + (i * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(one(at));
  }
  const results = await Promise.all(pending);
  return { results, elapsed: (performance.now() - start) / 1000 };
}

async function closedLoop() {
  const results = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) results.push(await one(performance.now()));
    }),
  );
  return { results, elapsed: (performance.now() - start) / 1000 };
}

const { results, elapsed } = mode === 'open' ? await openLoop() : await closedLoop();
parentPort.postMessage({
  latencies: results.map((r) => r.ms),
  errors: results.filter((r) => !r.ok).length,
  elapsed,
});
