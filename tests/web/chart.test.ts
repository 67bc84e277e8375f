/**
 * The dashboard's trend chart writes its legend as page text beside the SVG (issue 17, phones): inside the
 * SVG, scaled to a 390 px phone, the legend came out ~6 px and could not grow in place.
 */
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../services/web/chart.js';

describe('dashboard line chart', () => {
  const out = lineChart(
    ['01', '02', '03'],
    [
      { label: '宋庄镇', colour: '#1f5fa8', values: [63, 52, 56] },
      { label: '全区', colour: '#8a94a3', values: [64, 51, 55], dashed: true },
    ],
    { ariaLabel: 'PM2.5 月均值' },
  ).value;
  const svg = out.slice(out.indexOf('<svg class="chart"'));
  const legend = out.slice(out.indexOf('<figcaption'), out.indexOf('</figcaption>'));

  it('names each line in the HTML legend, with its colour and dash', () => {
    expect(legend).toContain('宋庄镇');
    expect(legend).toContain('全区');
    expect(legend).toContain('stroke="#8a94a3"');
    expect(legend).toMatch(/stroke="#8a94a3"[^>]*stroke-dasharray="5 3"/);
  });

  it('draws no legend inside the SVG', () => {
    expect(svg).not.toContain('宋庄镇');
    expect(svg).not.toContain('全区');
  });
});
