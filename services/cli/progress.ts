/**
 * Progress of a long load on stderr: rows read, rows/s, elapsed, and an estimate of what is left from the
 * share of the file's bytes read. On a terminal one line is redrawn every second; otherwise (--progress into
 * a log) a line is written every ten seconds, so a log of a two-minute load has a dozen lines, not thousands.
 * stdout keeps only the results, which scripts read.
 */
import { SECOND } from '../time/shanghai.js';

export interface ProgressState {
  rows: number;
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
  /** The whole file was read this long after the start; the database is still writing (the staged move). */
  readMs?: number;
}

function clock(ms: number): string {
  const s = Math.round(ms / SECOND);
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(h > 0 ? 2 : 1, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** "已读 120,000 行 · 41,000 行/秒 · 用时 0:03 · 剩余约 0:24 (11%) (rows read, rows/s, elapsed, left)". */
export function formatProgress(p: ProgressState, done = false): string {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const readMs = p.readMs ?? p.elapsedMs;
  const rate = readMs > 0 ? (p.rows * SECOND) / readMs : 0;
  const share = p.totalBytes > 0 ? Math.min(1, p.bytesRead / p.totalBytes) : 0;
  let left = '';
  if (done) left = ' · 完成 (done)';
  else if (p.readMs !== undefined)
    left = ' · 文件已读完，数据库写入中 (file read; the database is finishing)';
  else if (share > 0.01) {
    const remaining = (p.elapsedMs * (1 - share)) / share;
    left = ` · 剩余约 ${clock(remaining)} (${Math.floor(share * 100)}%)`;
  }
  return `已读 ${n(p.rows)} 行 · ${n(rate)} 行/秒 · 用时 ${clock(p.elapsedMs)}${left} (rows read, rows/s, elapsed, left)`;
}

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class Progress {
  rows = 0;
  private started = performance.now();
  private readMs: number | undefined;
  private reads = 0;
  private readonly timer: NodeJS.Timeout;
  private drawn = false;

  constructor(
    private readonly out: ProgressOutput,
    private readonly bytes: () => number,
    private readonly totalBytes: number,
  ) {
    this.timer = setInterval(() => this.draw(false), out.isTTY ? SECOND : 10 * SECOND);
    // A timer left behind must never keep the process alive after the load.
    this.timer.unref();
  }

  /** Counts the records of each chunk as it passes on its way to the load; a new read starts a new count. */
  async *count<T>(chunks: AsyncIterable<T[]>): AsyncGenerator<T[]> {
    if (this.reads++ > 0) {
      this.draw(true);
      this.out.write('再次读取文件 (reading the file again)\n');
      this.rows = 0;
      this.started = performance.now();
      this.readMs = undefined;
    }
    for await (const chunk of chunks) {
      this.rows += chunk.length;
      yield chunk;
    }
    this.readMs = performance.now() - this.started;
  }

  /** The final line (the whole file read), then no more. */
  stop(): void {
    clearInterval(this.timer);
    if (this.rows > 0 || this.drawn) this.draw(true);
  }

  private draw(done: boolean): void {
    const line = formatProgress(
      {
        rows: this.rows,
        bytesRead: this.bytes(),
        totalBytes: this.totalBytes,
        elapsedMs: performance.now() - this.started,
        readMs: this.readMs,
      },
      done,
    );
    this.drawn = true;
    // On a terminal the line is redrawn in place (\r, then clear to its end).
    if (this.out.isTTY) this.out.write(`\r${line}\x1b[K${done ? '\n' : ''}`);
    else this.out.write(`${line}\n`);
  }
}
