/**
 * Chart PNGs for e-mail (Outlook and Gmail show no inline SVG), drawn without a browser and off the main
 * thread. Outlining the text, drawing and PNG-encoding a monthly report's charts held the main thread ~400 ms
 * (CPU profile of the demo, issue #20), and one process serves the API, ingest and the reports; so the whole
 * per-chart work (chart-png.ts) runs in one long-lived worker thread per process, started by the first call.
 *
 * The worker never keeps the process alive when idle: it is unref'd, and ref'd only while a request is
 * outstanding — as the thread-pool work it replaced was — so a CLI run still waits for its images. A worker
 * that dies rejects what it held with a ChartRasterError (the report records an 'email-images' failure) and
 * the next call starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { ChartRasterError, errorMessage } from '../errors.js';
import type { ChartSvg } from './echarts-svg.js';
import type { RasterReply, RasterRequest } from './raster-protocol.js';

export { CHART_PNG_SCALE } from './chart-png.js';

/**
 * Requests (one per e-mail: a locale's 7–8 charts) a worker may hold at once. Reports run one job at a time
 * (workers/worker-host.ts) with at most two locales, so only a runaway caller reaches this; it is refused
 * rather than queued without end.
 */
export const MAX_PENDING_REQUESTS = 16;

/**
 * A request unanswered this long means a worker stuck in a loop, not a slow one (a monthly report's charts take
 * 0.2–0.7 s): the worker is ended, what it held fails (the report records 'email-images'), the next call
 * starts a new one. Without it a hung worker stalled its report's e-mail for good.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

interface Pending {
  resolve(pngs: Map<string, Buffer>): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** A running worker and the requests it holds; a new worker gets a new slot. */
interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface RasteriserOptions {
  /** The worker's module; by default raster-worker beside this file (.js when compiled, .ts from sources). */
  workerUrl?: URL;
  maxPending?: number;
  timeoutMs?: number;
}

const WORKER_NAME = 'envwatch chart rasteriser';

/**
 * A worker running `url`, in the three ways this code runs. Compiled (dist/): raster-worker.js, plain node.
 * From the sources — through tsx (bin/envwatch.mjs without a current build, npm run bench:*) or under vitest —
 * the module is .ts and the worker needs tsx of its own: a loader registered in code (bin/envwatch.mjs) is not
 * inherited, and vitest transforms only its own module graph. `--import tsx` in the worker's execArgv is what
 * one would write, but Node 20 (our engine) does not apply module hooks given there (nodejs/node#47747:
 * ERR_UNKNOWN_FILE_EXTENSION), so a two-line bootstrap registers tsx in the worker, then loads the module.
 * tsx is resolved here to a file URL, so the worker finds it whatever the working directory.
 */
function startWorker(url: URL): Worker {
  // No node options from the parent: they are for its entry point, not this one (`node --input-type=module
  // -e …` made the worker refuse its own file: ERR_INPUT_TYPE_NOT_ALLOWED).
  const options = { name: WORKER_NAME, execArgv: [] };
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

export class ChartRasteriser {
  private slot: Slot | null = null;
  private nextId = 1;
  private readonly workerUrl: URL;
  private readonly maxPending: number;
  private readonly timeoutMs: number;

  constructor(opts: RasteriserOptions = {}) {
    const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
    this.workerUrl = opts.workerUrl ?? new URL(`./raster-worker.${ext}`, import.meta.url);
    this.maxPending = opts.maxPending ?? MAX_PENDING_REQUESTS;
    this.timeoutMs = opts.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /** PNG of each chart at CHART_PNG_SCALE×, on white, keyed by chart id. */
  render(charts: readonly ChartSvg[]): Promise<Map<string, Buffer>> {
    if (charts.length === 0) return Promise.resolve(new Map());
    const slot = this.slot ?? this.start();
    if (slot.pending.size >= this.maxPending) {
      return Promise.reject(
        new ChartRasterError(
          `图表图片渲染队列已满（${slot.pending.size} 个请求未完成） (chart rasteriser queue full: ${slot.pending.size} requests outstanding)`,
        ),
      );
    }
    const id = this.nextId++;
    const request: RasterRequest = { id, charts: charts.map((c) => ({ id: c.id, svg: c.svg })) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const secs = Math.round(this.timeoutMs / 1000);
        this.retire(
          slot,
          new ChartRasterError(
            `图表图片渲染线程 ${secs} 秒未应答，已重启 (chart rasteriser did not answer within ${secs} s; ended)`,
          ),
        );
        void slot.worker.terminate();
      }, this.timeoutMs);
      timer.unref();
      slot.pending.set(id, { resolve, reject, timer });
      if (slot.pending.size === 1) slot.worker.ref();
      slot.worker.postMessage(request);
    });
  }

  /** Ends the worker (on shutdown); what it still held is rejected. A later call starts a new one. */
  async close(): Promise<void> {
    const slot = this.slot;
    if (!slot) return;
    this.retire(slot, new ChartRasterError('图表图片渲染线程已关闭 (chart rasteriser closed)'));
    await slot.worker.terminate();
  }

  private start(): Slot {
    const worker = startWorker(this.workerUrl);
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: RasterReply) => this.settle(slot, reply));
    worker.on('error', (err) => {
      this.retire(
        slot,
        new ChartRasterError(
          `图表图片渲染线程崩溃：${errorMessage(err)} (chart rasteriser worker crashed: ${errorMessage(err)})`,
          { cause: err },
        ),
      );
    });
    // A reply that cannot be deserialised names no request: end the worker, which rejects them all.
    worker.on('messageerror', () => void worker.terminate());
    worker.on('exit', (code) => {
      this.retire(
        slot,
        new ChartRasterError(
          `图表图片渲染线程意外退出（退出码 ${code}） (chart rasteriser worker exited with code ${code})`,
        ),
      );
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    this.slot = slot;
    return slot;
  }

  private settle(slot: Slot, reply: RasterReply): void {
    const p = slot.pending.get(reply.id);
    if (!p) return;
    clearTimeout(p.timer);
    slot.pending.delete(reply.id);
    if (slot.pending.size === 0) slot.worker.unref();
    if ('error' in reply) {
      p.reject(new Error(reply.error));
      return;
    }
    const pngs = reply.pngs.map(
      ({ id, png }) => [id, Buffer.from(png.buffer, png.byteOffset, png.byteLength)] as const,
    );
    p.resolve(new Map(pngs));
  }

  /** The worker is gone or going: later calls start a new one, and its requests fail with `err`. */
  private retire(slot: Slot, err: ChartRasterError): void {
    if (this.slot === slot) this.slot = null;
    for (const p of slot.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    slot.pending.clear();
  }
}

let shared: ChartRasteriser | null = null;

/** PNG of each chart, drawn by this process's rasteriser worker (started by the first call). */
export function chartPngs(charts: readonly ChartSvg[]): Promise<Map<string, Buffer>> {
  shared ??= new ChartRasteriser();
  return shared.render(charts);
}

/** Ends this process's rasteriser worker, if one runs (runtime's ordered shutdown). */
export async function closeChartRasteriser(): Promise<void> {
  await shared?.close();
}
