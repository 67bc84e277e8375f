/**
 * How a replayed month's deliveries reach envwatch, through the real adapters:
 * - file drop: each file is written into its source's watched directory (complete files only, see
 *   table-writer.ts), then the source is run — the `ingest-source` job the dispatcher enqueues at a tick;
 * - HTTP pull: the month's records are published on the local feed server and the feed source is run; its
 *   adapter pulls the window of hours still settling, page by page, over HTTP;
 * - HJ 212: the stations' loggers connect to the receiver and send their month, each packet acknowledged
 *   (9014) once its rows are committed — before the feed is pulled, so the two never write at once.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { unfinishedFiles } from '../../ingest/adapters/file-drop.js';
import type { Enqueue } from '../../../workers/enqueue.js';
import { jobId } from '../../../workers/queue-names.js';
import type { FeedServer } from '../feed-server.js';
import type { Delivery } from '../synthetic/dataset.js';
import { DEMO_DROP_ROOT, demoDropDir } from './demo-sources.js';
import { sendMonth, type LoggerTally } from './hj212-loggers.js';
import { writeTableFile } from './table-writer.js';

export interface DeliveryContext {
  enqueue: Enqueue;
  /** DROP_DIR, absolute. */
  dropDir: string;
  feed: FeedServer;
  /**
   * The demo's HJ 212 receivers (one, or several processes when the replay is scaled out: the loggers are spread
   * over them as a TCP load balancer would), and what the loggers sent and saw acknowledged so far.
   */
  hj212: { ports: readonly number[]; tally: LoggerTally };
}

type FileDelivery = Extract<Delivery, { route: 'file_drop' }>;
type PullDelivery = Extract<Delivery, { route: 'http_pull' }>;
type DeviceDelivery = Extract<Delivery, { route: 'hj212' }>;

export async function dropFile(dc: DeliveryContext, d: FileDelivery): Promise<string> {
  const file = path.join(dc.dropDir, demoDropDir(d.sourceId), d.name);
  await writeTableFile(file, d.table);
  return file;
}

/** The feed keeps the month being replayed; earlier months have been read and are retired. */
export function publishOnFeed(dc: DeliveryContext, d: PullDelivery, monthStart: Date): void {
  dc.feed.retireBefore(monthStart.getTime());
  dc.feed.publish(d.rows.map((row, i) => ({ row, publishedAt: d.publishedAt[i]! })));
}

/**
 * Delivers one wave and runs each source it concerns once: a file-drop run takes every complete file in
 * the source's directory (one batch each), a pull run reads the feed's window (one batch).
 */
export async function deliverWave(
  dc: DeliveryContext,
  deliveries: readonly Delivery[],
  monthStart: Date,
  tag: string,
): Promise<void> {
  const sources = new Set<string>();
  const devices: DeviceDelivery[] = [];
  for (const d of deliveries) {
    if (d.route === 'hj212') {
      devices.push(d);
      continue;
    }
    if (d.route === 'http_pull') publishOnFeed(dc, d, monthStart);
    else await dropFile(dc, d);
    sources.add(d.sourceId);
  }
  const ports = dc.hj212.ports;
  for (const [i, d] of devices.entries())
    await sendMonth(ports[i % ports.length]!, d.traffic, dc.hj212.tally);
  for (const sourceId of sources) {
    await dc.enqueue('ingest-source', { sourceId, tick: null }, { jobId: jobId('demo', sourceId, tag) });
  }
}

/** Files the replay dropped that no batch has finished yet, over every demo source's directory. */
export async function pendingDemoFiles(dc: Pick<DeliveryContext, 'dropDir'>): Promise<number> {
  const root = path.join(dc.dropDir, DEMO_DROP_ROOT);
  const sources = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []; // nothing dropped yet
    throw err;
  });
  let n = 0;
  for (const s of sources) if (s.isDirectory()) n += await unfinishedFiles(path.join(root, s.name));
  return n;
}
