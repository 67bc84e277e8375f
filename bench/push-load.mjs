// Load generator for bench/push-contention.ts, in a worker thread so the client does not share the server's
// event loop. Open loop: push i is started at start + i / rate whatever the answers do, and its latency is
// measured from that scheduled moment (no coordinated omission: a stall shows up as latency).
/* global fetch */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parentPort, workerData } from 'node:worker_threads';

const { url, headers, rate, bodies } = workerData;

async function one(body, scheduled) {
  try {
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    return { ms: performance.now() - scheduled, status: res.status, text: res.status === 200 ? '' : text };
  } catch (err) {
    return { ms: performance.now() - scheduled, status: 0, text: String(err) };
  }
}

const start = performance.now() + 50;
const pending = [];
for (let i = 0; i < bodies.length; i++) {
  const at = start + (i * 1000) / rate;
  const wait = at - performance.now();
  if (wait > 1) await sleep(wait);
  pending.push(one(bodies[i], at));
}
const results = await Promise.all(pending);
parentPort.postMessage({ results, elapsed: (performance.now() - start) / 1000 });
