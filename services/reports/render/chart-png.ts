/**
 * Chart PNGs for the e-mail (cid images): every chart of a report drawn in one round trip to the page.
 *
 * Each SVG is decoded as an image and drawn onto a canvas at SCALE× its size, then encoded by Chromium.
 * An SVG image is rasterised at the size it is drawn, so the result is as sharp as a 2× screenshot; but
 * unlike a locator screenshot per chart (scroll, wait for stability, capture, ~300 ms each) nothing waits
 * on layout or on the compositor. Text is drawn with the system's CJK fonts (fonts-noto-cjk): an SVG
 * image cannot load web fonts, and pixels need none.
 */
import type { Page } from 'playwright-core';
import { ReportRenderError } from '../report-errors.js';
import type { ChartOut } from './html-shared.js';

/** 2× for sharp images on high-density screens, where most officials read their mail. */
export const CHART_PNG_SCALE = 2;

/**
 * Runs in the page. A string, not a function: the project compiles without the DOM library. Blob URLs
 * keep the canvas untainted (same origin), so toDataURL is allowed.
 */
const RASTERIZE = `async ({ charts, scale }) => Promise.all(charts.map(async (c) => {
  const url = URL.createObjectURL(new Blob([c.svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image(c.width, c.height);
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(c.width * scale);
    canvas.height = Math.round(c.height * scale);
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(img, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  } finally {
    URL.revokeObjectURL(url);
  }
}))`;

const PNG_DATA_URL = 'data:image/png;base64,';

export async function rasterizeCharts(page: Page, charts: readonly ChartOut[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (charts.length === 0) return out;
  const arg = {
    charts: charts.map(({ svg, width, height }) => ({ svg, width, height })),
    scale: CHART_PNG_SCALE,
  };
  // Playwright passes no argument to a function given as a string: the data go in as a JSON literal.
  const urls = (await page.evaluate(`(${RASTERIZE})(${JSON.stringify(arg)})`)) as unknown;
  if (!Array.isArray(urls) || urls.length !== charts.length)
    throw new ReportRenderError('chart rasterisation returned no images', false);
  charts.forEach((c, i) => {
    const url = urls[i] as unknown;
    if (typeof url !== 'string' || !url.startsWith(PNG_DATA_URL))
      throw new ReportRenderError(`chart ${c.id} could not be drawn as PNG`, false);
    out.set(c.id, Buffer.from(url.slice(PNG_DATA_URL.length), 'base64'));
  });
  return out;
}
