/**
 * The HJ 212 receiver: a TCP server for field data loggers, a role of `envwatch start` that listens when
 * HJ212_PORT is set (HJ212_HOST, default 127.0.0.1). Connections beyond HJ212_MAX_CONNECTIONS are refused at
 * accept; each connection is a device session (device-session.ts) and all share one group commit
 * (commit-rounds.ts), one device registry cache and one split tracker.
 */
import net from 'node:net';
import type pg from 'pg';
import type { Logger } from '../../logging.js';
import type { IngestResult } from '../ingest-records.js';
import { loadReferenceIndex, type ReferenceIndex } from '../reference-index.js';
import type { Clock } from '../../time/shanghai.js';
import { CommitRounds } from './commit-rounds.js';
import { DeviceCache } from './device-cache.js';
import { attachSession, type SessionLimits } from './device-session.js';
import { checkDeviceSilence } from './device-silence.js';
import { hj212Metrics, MetricTally } from './receiver-metrics.js';
import { assertSm4Available } from './sm4.js';
import { SplitTracker } from './split-tracker.js';

export interface ReceiverOptions {
  host: string;
  port: number;
  sourceId: string;
  maxConnections: number;
  limits: SessionLimits;
  commit: { delayMs: number; maxRows: number; maxInFlight: number };
  splitTimeoutMs: number;
}

export interface ReceiverDeps {
  db: pg.Pool;
  clock: Clock;
  logger: Logger;
  onIngested?: (result: IngestResult) => Promise<void>;
}

export interface RunningReceiver {
  address: { host: string; port: number };
  connections(): number;
  /** Re-reads the device registry now (it is also re-read every second when it changed). */
  reloadDevices(): Promise<void>;
  /** Resolves once every packet framed so far is committed and its device stats written. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const REFERENCE_REFRESH_MS = 30_000;
// A registry edit (password, edition, key) applies within this long: one tiny stamp query per interval.
const DEVICE_REFRESH_MS = 1_000;
// Silent devices are looked for once a minute (their intervals are minutes to hours).
const SILENCE_CHECK_MS = 60_000;

export async function startHj212Receiver(
  opts: ReceiverOptions,
  deps: ReceiverDeps,
): Promise<RunningReceiver> {
  assertSm4Available();
  const logger = deps.logger.child({ role: 'hj212' });
  const tally = new MetricTally();
  const rounds = new CommitRounds({
    db: deps.db,
    clock: deps.clock,
    sourceId: opts.sourceId,
    ...opts.commit,
    onIngested: deps.onIngested,
    beforeRound: () => tally.flush(),
    onIngestedFailed: (err) =>
      logger.warn(
        { err: String(err) },
        'HJ 212 round stored and acknowledged; its follow-up (rollup refresh) failed',
      ),
    onRoundFailed: (err, packets) =>
      logger.error(
        { err: String(err), packets },
        'HJ 212 commit round failed: its packets are not acknowledged',
      ),
  });
  // A changed registry may come with a new site: the next round re-reads the reference data.
  const devices = new DeviceCache(deps.db, DEVICE_REFRESH_MS, Date.now, () => rounds.invalidate());
  await devices.load();
  const deviceTimer = setInterval(() => {
    devices
      .refresh()
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'device registry not re-read'));
  }, DEVICE_REFRESH_MS).unref();
  let ref: ReferenceIndex = await loadReferenceIndex(deps.db);
  const refTimer = setInterval(() => {
    loadReferenceIndex(deps.db).then(
      (r) => (ref = r),
      (err: unknown) => logger.warn({ err: String(err) }, 'reference data not re-read'),
    );
  }, REFERENCE_REFRESH_MS).unref();
  const silenceTimer = setInterval(() => {
    checkDeviceSilence(deps.db, deps.clock.now()).then(
      (r) => {
        if (r.opened.length + r.resolved.length > 0) logger.info(r, 'HJ 212 device silence changed');
      },
      (err: unknown) => logger.warn({ err: String(err) }, 'device silence not checked'),
    );
  }, SILENCE_CHECK_MS).unref();
  const splits = new SplitTracker(opts.splitTimeoutMs, (key, missing) =>
    logger.warn({ key, missing }, 'HJ 212 split record incomplete (parts stored as they came)'),
  );
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    hj212Metrics.connections.set(sockets.size);
    attachSession(socket, {
      devices,
      rounds,
      splits,
      tally,
      resolutionOf: (metric) => ref.metrics.get(metric)?.resolution,
      clock: deps.clock,
      logger,
      limits: opts.limits,
      onClose: () => {
        sockets.delete(socket);
        hj212Metrics.connections.set(sockets.size);
      },
    });
  });
  server.maxConnections = opts.maxConnections;
  server.on('drop', () => hj212Metrics.disconnects.inc({ reason: 'capacity' }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  logger.info({ host: addr.address, port: addr.port, devices: devices.size }, 'HJ 212 receiver listening');
  return {
    address: { host: addr.address, port: addr.port },
    connections: () => sockets.size,
    reloadDevices: () => devices.load(),
    settle: () => rounds.drain(),
    async stop() {
      clearInterval(refTimer);
      clearInterval(deviceTimer);
      clearInterval(silenceTimer);
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      // Packets already framed are committed (and acknowledged) before the sockets go.
      await rounds.drain();
      for (const s of sockets) s.destroy();
      await closing;
    },
  };
}
