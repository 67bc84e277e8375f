/**
 * One device connection: bytes → frames (framing.ts) → judgement (packet-rules.ts) → records for the next
 * commit round (commit-rounds.ts) → the 9014 once committed. Routing is by each packet's MN, not by the
 * connection: a logger may forward for several stations on one socket.
 *
 * The connection is closed when it idles past `idleMs`, when a half packet waits past `halfPacketMs` (its
 * bytes are dropped), when it sends `maxRefusals` refused packets in a row or more garbage than a buffer
 * holds (a flood: other connections are not affected), and it is paused while `maxPending` of its packets
 * wait for their commit (backpressure instead of an unbounded queue).
 */
import type net from 'node:net';
import type { Logger } from '../../logging.js';
import type { Resolution } from '../reference-index.js';
import type { Clock } from '../../time/shanghai.js';
import type { CommitRounds, PendingPacket } from './commit-rounds.js';
import type { DeviceCache } from './device-cache.js';
import { FrameSplitter, type Frame, type FrameEvent, type FramingLimits } from './framing.js';
import { PacketFormatError } from './packet.js';
import { judgePacket, type Judgement } from './packet-rules.js';
import { rawPacketOf } from './packet-kind.js';
import { hj212Metrics as m, type MetricTally } from './receiver-metrics.js';
import type { SplitTracker } from './split-tracker.js';
import { areaToRows, type OffResolution } from './to-rows.js';
import { refuse, type RefusalCode } from '../refusal-reasons.js';
import { ingestLimits } from '../limits.js';
import { isSafe } from '../safe-text.js';

export interface SessionLimits {
  framing: FramingLimits;
  idleMs: number;
  halfPacketMs: number;
  maxRefusals: number;
  maxPending: number;
  /** A data packet whose DataTime is older than this is history (补传) even without RF=1. */
  historyAfterMs: number;
  /** Minute and real-time values of hourly metrics: skipped (counted) or refused row by row (HJ212_OFF_RESOLUTION_VALUES). */
  offResolution: OffResolution;
}

export interface SessionDeps {
  devices: DeviceCache;
  rounds: CommitRounds;
  splits: SplitTracker;
  /** Per-device counters, flushed to /metrics by each commit round. */
  tally: MetricTally;
  resolutionOf: (metric: string) => Resolution | undefined;
  clock: Clock;
  logger: Logger;
  limits: SessionLimits;
  onClose?: () => void;
}

type Base = Omit<PendingPacket, 'committed' | 'failed'>;

export function attachSession(socket: net.Socket, deps: SessionDeps): void {
  const { limits, logger } = deps;
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
  const splitter = new FrameSplitter(limits.framing);
  let refusedInRow = 0;
  let garbageMark = 0;
  let pending = 0;
  let closed = false;
  let halfTimer: NodeJS.Timeout | null = null;

  const close = (reason: string) => {
    if (closed) return;
    closed = true;
    m.disconnects.inc({ reason });
    logger.info({ peer, reason }, 'HJ 212 connection closed by the receiver');
    socket.destroy();
  };

  socket.setKeepAlive(true, 60_000);
  socket.setTimeout(limits.idleMs, () => close('idle'));
  socket.on('close', () => {
    closed = true;
    if (halfTimer) clearTimeout(halfTimer);
    deps.onClose?.();
  });
  socket.on('error', (err) => logger.debug({ peer, err: err.message }, 'HJ 212 socket error'));

  const submit = (base: Base, send: Buffer | null, receivedAt: number) => {
    pending += 1;
    if (pending >= limits.maxPending) socket.pause();
    deps.rounds.submit({
      ...base,
      committed() {
        pending -= 1;
        if (send && !closed) {
          socket.write(send);
          m.ackSeconds.observe((performance.now() - receivedAt) / 1000);
        }
        if (pending < limits.maxPending && !closed) socket.resume();
      },
      failed(err) {
        pending -= 1;
        // No 9014: the logger re-sends, and the next round may well succeed.
        logger.error(
          { peer, mn: base.mn, err: String(err) },
          'HJ 212 packet not stored; no acknowledgement sent',
        );
        if (!closed) socket.resume();
      },
    });
  };

  const keepRefusal = (
    code: RefusalCode,
    detail: string,
    raw: Buffer,
    mn: string | null,
    variant: string | null,
  ) => {
    refusedInRow += 1;
    deps.tally.refused(mn, code);
    const r = refuse(code, detail);
    submit(
      {
        mn,
        peer,
        rows: [],
        history: false,
        refusal: { rowNumber: null, raw: rawPacketOf(raw, peer), reasonCode: code, reasonDetail: r.detail },
        version: null,
        crcVariant: variant,
        dataAt: null,
        acked: false,
        textChecked: false,
      },
      null,
      performance.now(),
    );
    if (refusedInRow >= limits.maxRefusals) close('flood');
  };

  const accept = (j: Exclude<Judgement, { kind: 'refused' }>, raw: Buffer, receivedAt: number) => {
    refusedInRow = 0;
    garbageMark = splitter.garbageBytes;
    const mn = j.device.mn;
    deps.tally.accepted(mn, j.version, j.variant, deps.clock.now().getTime() / 1000);
    if (j.notes.length > 0) logger.info({ peer, mn, notes: j.notes }, 'HJ 212 packet accepted with remarks');
    const base: Base = {
      mn,
      peer,
      rows: [],
      history: false,
      version: j.version,
      crcVariant: j.variant,
      dataAt: null,
      acked: false,
      textChecked: false,
    };
    if (j.kind === 'other') {
      deps.tally.packet(mn, 'other');
      if (j.reply) socket.write(j.reply);
      submit({ ...base, acked: j.reply !== null }, null, receivedAt); // counted in the device's stats
      return;
    }
    let area;
    try {
      area = areaToRows(j.area, j.cn, j.device, deps.resolutionOf, limits.offResolution);
    } catch (err) {
      if (!(err instanceof PacketFormatError)) throw err;
      return keepRefusal('HJ212_MALFORMED', `${mn}: ${err.message}`, raw, mn, j.variant);
    }
    deps.tally.packet(mn, 'data', area.rows.length);
    if (area.unmapped.length > 0) m.notStored.inc({ reason: 'unmapped' }, area.unmapped.length);
    if (area.offResolution > 0) m.notStored.inc({ reason: 'resolution' }, area.offResolution);
    const h = j.header;
    if (h.pnum !== null && h.pno !== null) {
      const dt = area.rows[0]?.time ?? String(area.dataAt.getTime());
      deps.splits.add(mn, j.cn, dt, h.pnum, h.pno, Date.now());
    }
    const now = deps.clock.now().getTime();
    const history = h.rf === '1' || area.dataAt.getTime() < now - limits.historyAfterMs;
    // The rows' text is the data area's (values, flags) and the registry's (site, metric, unit: PostgreSQL
    // text already): one check of the area spares the steady path's walk over every field of every row.
    const textChecked = isSafe(j.area) && j.area.length <= ingestLimits().maxFieldChars;
    submit(
      { ...base, rows: area.rows, history, dataAt: area.dataAt, acked: j.ack !== null, textChecked },
      j.ack,
      receivedAt,
    );
  };

  const lookup = (mn: string) => deps.devices.get(mn);
  const conclude = (j: Judgement, frame: Frame, receivedAt: number) => {
    if (j.kind === 'refused') return keepRefusal(j.code, j.detail, frame.raw, j.mn, j.variant);
    accept(j, frame.raw, receivedAt);
  };

  /** Judges one frame; returns a promise only when it must wait (an unknown MN: the registry is re-read). */
  const handle = (ev: FrameEvent): Promise<void> | undefined => {
    if (ev.kind === 'oversize') {
      keepRefusal('HJ212_OVERSIZE', `declared ${ev.declaredLength} bytes`, ev.head, null, null);
      return undefined;
    }
    if (ev.kind === 'unterminated') {
      keepRefusal('HJ212_UNTERMINATED', '', ev.head, null, null);
      return undefined;
    }
    const receivedAt = performance.now();
    const frame = ev.frame;
    const j = judgePacket(frame, lookup);
    if (j.kind === 'refused' && j.code === 'HJ212_UNKNOWN_MN') {
      // A device added a moment ago: judged again once the registry is re-read.
      return deps.devices.refresh(1_000).then(() => conclude(judgePacket(frame, lookup), frame, receivedAt));
    }
    conclude(j, frame, receivedAt);
    return undefined;
  };

  // Frames are judged in arrival order, at once; only a frame that waits for the registry holds back the ones
  // behind it. (A promise chained per frame cost three promises and a microtask hop per packet.)
  const queue: FrameEvent[] = [];
  let waiting = false;
  const failed = (err: unknown) => logger.error({ peer, err: String(err) }, 'HJ 212 packet handling failed');
  const judgeQueued = () => {
    while (!waiting && !closed && queue.length > 0) {
      const ev = queue.shift()!;
      try {
        const pending = handle(ev);
        if (pending) {
          waiting = true;
          pending.catch(failed).finally(() => {
            waiting = false;
            judgeQueued();
          });
        }
      } catch (err) {
        failed(err);
      }
    }
  };

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    const before = splitter.garbageBytes;
    const { events, overflow } = splitter.push(chunk);
    if (splitter.garbageBytes > before) m.garbageBytes.inc(splitter.garbageBytes - before);
    const garbage = splitter.garbageBytes - garbageMark;
    if (halfTimer) clearTimeout(halfTimer);
    halfTimer =
      splitter.pending > 0
        ? setTimeout(() => m.garbageBytes.inc(splitter.reset()), limits.halfPacketMs).unref()
        : null;
    if (overflow) return close('overflow');
    // More garbage since the last good packet than a buffer holds: a flood, not line noise.
    if (garbage > limits.framing.maxBuffer) return close('flood');
    // After those checks, as before: a connection closed for this chunk does not judge its frames.
    queue.push(...events);
    judgeQueued();
  });
}
