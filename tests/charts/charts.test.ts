/**
 * The shared ECharts module: the same chart drawn twice is the same SVG (reports are compared byte for
 * byte), its text is text, and the e-mail PNGs come out at twice the size without any browser.
 */
import { describe, expect, it } from 'vitest';
import { chartPngs } from '../../services/charts/raster.js';
import { rankingBarChart, waterClassChart } from '../../services/charts/report-charts.js';
import { lineChartSvg } from '../../services/charts/line-chart.js';

const bars = [
  { label: '永顺镇', value: 30.2, rank: 1, mark: 'best' as const },
  { label: '梨园镇', value: 34.5, rank: 2, mark: null },
  { label: '漷县镇', value: 52.1, rank: 3, mark: 'worst' as const },
];
const rank = () =>
  rankingBarChart('rank-pm25', bars, {
    title: 'PM2.5排名',
    unit: 'µg/m³',
    decimals: 1,
    target: { value: 45, label: '限值 45' },
  });

describe('ECharts charts', () => {
  it('draws the same chart to the same SVG, with ids of its own and the labels as text', () => {
    const a = rank();
    const b = rank();
    expect(a.svg).toBe(b.svg);
    expect(a.svg).not.toMatch(/\bzr\d+-/);
    expect(a.svg).toContain('rank-pm25-');
    expect(a.svg).toContain('漷县镇 ●');
    expect(a.svg).toContain('限值 45');
    expect(a.svg).toMatch(/^<svg role="img" aria-label="PM2.5排名"/);
  });

  it('labels water classes as the standard writes them, 劣Ⅴ included', () => {
    const c = waterClassChart('water', [{ label: '张家湾', waterClass: 6, targetClass: 4 }], {
      title: '水质类别',
      classLabels: ['Ⅰ类', 'Ⅱ类', 'Ⅲ类', 'Ⅳ类', 'Ⅴ类', '劣Ⅴ类'],
      measured: '水质类别',
      target: '目标类别',
    });
    expect(c.svg).toContain('劣Ⅴ类');
    expect(c.svg).toContain('Ⅳ类');
  });

  it('rasterises charts to PNG at twice their size without a browser', async () => {
    const line = lineChartSvg(
      'area-pm25',
      ['1日', '2日', '3日'],
      [{ label: 'PM2.5', colour: '#2f5d8a', values: [30, null, 50] }],
      {
        limit: 75,
        ariaLabel: 'PM2.5',
      },
    );
    const pngs = await chartPngs([rank(), line]);
    const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];
    const a = pngs.get('rank-pm25')!;
    expect(a.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(size(a)).toEqual([rank().width * 2, rank().height * 2]);
    expect(size(pngs.get('area-pm25')!)).toEqual([line.width * 2, line.height * 2]);
  });
});
