/**
 * What raster.ts and its worker thread say to each other: a request is the charts of one e-mail under an id,
 * the reply their PNGs or the reason they could not be drawn, under the same id.
 */
import { errorMessage } from '../errors.js';
import { renderChartPng } from './chart-png.js';
import { fontFiles } from './fonts.js';

export interface RasterRequest {
  id: number;
  charts: { id: string; svg: string }[];
}

/** The PNGs arrive as Uint8Array: structured cloning turns a Buffer into its plain typed-array view. */
export type RasterReply =
  { id: number; pngs: { id: string; png: Uint8Array }[] } | { id: number; error: string };

/**
 * The reply to one request, made in the worker. The charts are started one after another: each is outlined
 * on this thread while the ones before it are drawn on the thread pool.
 */
export async function answerRasterRequest(req: RasterRequest): Promise<RasterReply> {
  try {
    const fonts = await fontFiles();
    const pngs = await Promise.all(
      req.charts.map(async (c) => ({ id: c.id, png: await renderChartPng(c.svg, fonts) })),
    );
    return { id: req.id, pngs };
  } catch (err) {
    return { id: req.id, error: errorMessage(err) };
  }
}
