/**
 * One chart's PNG: its text as outlines (outline-text.ts), drawn by resvg at CHART_PNG_SCALE× on white and
 * encoded. raster-worker.ts runs this off the main thread; it is the whole of the per-chart work.
 */
import { renderAsync } from '@resvg/resvg-js';
import type { FontFiles } from './fonts.js';
import { outlineText } from './outline-text.js';

/** 2× for sharp images on high-density screens, where most officials read their mail. */
export const CHART_PNG_SCALE = 2;

/**
 * The PNG bytes of one chart SVG. resvg draws on libuv's thread pool (renderAsync), so the caller can outline
 * the next chart meanwhile; outlining and the PNG encoding (asPng) run on the calling thread.
 */
export async function renderChartPng(svg: string, fonts: FontFiles): Promise<Buffer> {
  const image = await renderAsync(outlineText(svg, fonts), {
    fitTo: { mode: 'zoom', value: CHART_PNG_SCALE },
    background: '#ffffff',
    font: { loadSystemFonts: false },
  });
  return Buffer.from(image.asPng());
}
