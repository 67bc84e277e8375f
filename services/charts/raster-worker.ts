/**
 * The worker thread behind raster.ts (it starts this file; nothing imports it). Requests are answered as they
 * arrive, so one e-mail's outlining overlaps another's drawing. A request that fails is answered with its
 * reason and the worker goes on; only the thread's own death makes raster.ts reject what it held.
 */
import { parentPort } from 'node:worker_threads';
import { answerRasterRequest, type RasterRequest } from './raster-protocol.js';

const port = parentPort;
if (!port) throw new Error('raster-worker runs as a worker thread, started by services/charts/raster.ts');
port.on('message', (req: RasterRequest) => {
  void answerRasterRequest(req).then((reply) => port.postMessage(reply));
});
