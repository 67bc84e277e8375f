/**
 * The e-mail chart PNGs are drawn in a worker thread (services/charts/raster.ts): the same bytes as on the
 * calling thread, a worker that dies fails what it held with a clear error and is replaced by the next call,
 * its queue is bounded, and it loads from the sources outside vitest (through tsx, as bin/envwatch.mjs runs
 * them) without keeping the process alive. The compiled build is tried in tests/build/build.test.ts.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ChartRasterError } from '../../services/errors.js';
import { renderChartPng } from '../../services/charts/chart-png.js';
import { fontFiles } from '../../services/charts/fonts.js';
import { lineChartSvg } from '../../services/charts/line-chart.js';
import { ChartRasteriser, chartPngs } from '../../services/charts/raster.js';
import { rankingBarChart } from '../../services/charts/report-charts.js';

const run = promisify(execFile);
const FAILING_WORKER = new URL('../helpers/failing-raster-worker.ts', import.meta.url);

const rank = () =>
  rankingBarChart(
    'rank-pm25',
    [
      { label: '永顺镇', value: 30.2, rank: 1, mark: 'best' as const },
      { label: '漷县镇', value: 52.1, rank: 2, mark: 'worst' as const },
    ],
    { title: 'PM2.5排名', unit: 'µg/m³', decimals: 1, target: { value: 45, label: '限值 45' } },
  );
const line = () =>
  lineChartSvg(
    'area-pm25',
    ['1日', '2日', '3日'],
    [{ label: 'PM2.5', colour: '#2f5d8a', values: [30, null, 50] }],
    {
      limit: 75,
      ariaLabel: 'PM2.5',
    },
  );
/** A chart whose id cues the failing worker (crash, exit, hold). */
const cue = (id: string) => ({ ...rank(), id });

async function inThread(svg: string): Promise<Buffer> {
  return renderChartPng(svg, await fontFiles());
}

describe('chart PNGs drawn in a worker thread', () => {
  it('are byte for byte the PNGs drawn on the calling thread', async () => {
    const charts = [rank(), line()];
    const pngs = await chartPngs(charts);
    expect([...pngs.keys()]).toEqual(['rank-pm25', 'area-pm25']);
    for (const c of charts) expect(pngs.get(c.id)!.equals(await inThread(c.svg)), c.id).toBe(true);
  });

  it('a worker that crashes fails every request it held, and the next call starts a new worker', async () => {
    const r = new ChartRasteriser({ workerUrl: FAILING_WORKER });
    const held = r.render([cue('hold')]);
    const crashed = r.render([cue('crash')]);
    const settled = await Promise.allSettled([held, crashed]);
    for (const s of settled) {
      expect(s.status).toBe('rejected');
      const err = (s as PromiseRejectedResult).reason as Error;
      expect(err).toBeInstanceOf(ChartRasterError);
      expect(err.message).toBe(
        '图表图片渲染线程崩溃：boom in the rasteriser (chart rasteriser worker crashed: boom in the rasteriser)',
      );
    }
    const again = await r.render([rank()]);
    expect(again.get('rank-pm25')!.equals(await inThread(rank().svg))).toBe(true);
    await r.close();
  });

  it('a worker that exits fails what it held with its exit code', async () => {
    const r = new ChartRasteriser({ workerUrl: FAILING_WORKER });
    const held = r.render([cue('hold')]);
    await expect(r.render([cue('exit')])).rejects.toThrow(/图表图片渲染线程意外退出（退出码 3）/);
    await expect(held).rejects.toBeInstanceOf(ChartRasterError);
    expect((await r.render([rank()])).size).toBe(1);
    await r.close();
  });

  it('a chart that cannot be drawn is refused with its reason, and the worker goes on', async () => {
    const r = new ChartRasteriser();
    await expect(r.render([{ ...rank(), svg: '<svg' }])).rejects.toThrow(/SVG data parsing failed/);
    expect((await r.render([rank()])).size).toBe(1);
    await r.close();
  });

  it('refuses a request beyond its bound instead of queueing without end; closing fails what it held', async () => {
    const r = new ChartRasteriser({ workerUrl: FAILING_WORKER, maxPending: 1 });
    const held = r.render([cue('hold')]);
    await expect(r.render([rank()])).rejects.toThrow(/图表图片渲染队列已满（1 个请求未完成）/);
    const closed = expect(held).rejects.toThrow(/图表图片渲染线程已关闭/);
    await r.close();
    await closed;
  });

  it('a worker that does not answer in time is ended, fails what it held, and the next call gets a new one', async () => {
    const r = new ChartRasteriser({ workerUrl: FAILING_WORKER, timeoutMs: 500 });
    await expect(r.render([cue('hold')])).rejects.toThrow(/图表图片渲染线程 1 秒未应答/);
    expect((await r.render([rank()])).size).toBe(1);
    await r.close();
  });

  it('loads from the sources through tsx outside vitest, and lets the process end by itself', async () => {
    const raster = new URL('../../services/charts/raster.ts', import.meta.url).href;
    const charts = new URL('../../services/charts/report-charts.ts', import.meta.url).href;
    // What bin/envwatch.mjs does without a current build: tsx registered in code, not on the command line.
    // The script never closes the rasteriser: an idle worker must not keep the process alive.
    const script = `
      const { register } = await import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))});
      register();
      const { chartPngs } = await import(${JSON.stringify(raster)});
      const { rankingBarChart } = await import(${JSON.stringify(charts)});
      const chart = rankingBarChart('rank-pm25', [{ label: '永顺镇', value: 30.2, rank: 1, mark: 'best' }, { label: '漷县镇', value: 52.1, rank: 2, mark: 'worst' }], { title: 'PM2.5排名', unit: 'µg/m³', decimals: 1, target: { value: 45, label: '限值 45' } });
      const png = (await chartPngs([chart])).get('rank-pm25');
      console.log((await import('node:crypto')).createHash('sha256').update(png).digest('hex'));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
      cwd: os.tmpdir(),
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe(
      createHash('sha256')
        .update(await inThread(rank().svg))
        .digest('hex'),
    );
  });
});
