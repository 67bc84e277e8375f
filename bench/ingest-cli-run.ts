/**
 * `envwatch ingest --bulk <file>` itself, as a user runs it — `node bin/envwatch.mjs`, Node's default settings,
 * no heap flag — for bench:ingest's memory target. Its peak RSS is the kernel's high-water mark (VmHWM in
 * /proc/<pid>/status, Linux), read every 50 ms while it runs; the last reading before it exits is the peak.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface CliRun {
  seconds: number;
  peakMb: number;
  /** The CLI's batch line ("批次 …：收到 …"). */
  batch: string;
}

async function highWaterKb(pid: number): Promise<number | null> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch((err: NodeJS.ErrnoException) => {
    // The process has just exited: its last reading stands.
    if (err.code === 'ENOENT' || err.code === 'ESRCH') return '';
    throw err;
  });
  const m = /VmHWM:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) : null;
}

export async function runIngestCli(root: string, databaseUrl: string, file: string): Promise<CliRun> {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [path.join(root, 'bin/envwatch.mjs'), 'ingest', file, '--bulk', '--no-rollups', '--source', 'bench_cli'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  const exited = once(child, 'exit');
  let peakKb = 0;
  let running = true;
  void exited.then(() => (running = false));
  while (running) {
    const kb = await highWaterKb(child.pid!);
    if (kb !== null) peakKb = Math.max(peakKb, kb);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`envwatch ingest exited with ${code}: ${stdout}`);
  const batch = stdout.split('\n').find((l) => l.startsWith('批次')) ?? '';
  return { seconds: (performance.now() - t0) / 1000, peakMb: peakKb / 1024, batch };
}
