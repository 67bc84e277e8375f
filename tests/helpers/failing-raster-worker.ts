/**
 * A chart rasteriser worker that dies on cue, for the crash path of services/charts/raster.ts. It speaks the
 * real protocol and draws with the real code; a chart id says what to do instead of answering:
 * `crash` throws out of the message handler (an uncaught exception ends the thread), `exit` ends the thread
 * with code 3, `hold` is never answered. Loaded with `?crash=all` in its URL, every request crashes it (a
 * report's charts cannot carry a cue in their ids).
 */
import { parentPort } from 'node:worker_threads';
import { answerRasterRequest, type RasterRequest } from '../../services/charts/raster-protocol.js';

const crashAll = new URL(import.meta.url).searchParams.get('crash') === 'all';
const port = parentPort!;
port.on('message', (req: RasterRequest) => {
  const ids = req.charts.map((c) => c.id);
  if (crashAll || ids.includes('crash')) throw new Error('boom in the rasteriser');
  if (ids.includes('exit')) process.exit(3);
  if (ids.includes('hold')) return;
  void answerRasterRequest(req).then((reply) => port.postMessage(reply));
});
