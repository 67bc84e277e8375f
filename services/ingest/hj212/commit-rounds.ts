/**
 * Group commit for the receiver. Every accepted data packet's records and every refused packet wait here for
 * the next round (at most `delayMs` after the first arrival, or sooner when `maxRows` are waiting); a round
 * writes them through the steady ingest path (ingestRecords + measurementKind: the store owns the writes,
 * validation is the same as for every other feed) and, only once that has returned — the rows committed —
 * runs each packet's `committed` callback, which sends its 9014. A crash before that loses no acknowledged
 * packet: the logger re-sends what it saw no reply to, and the re-sent rows are unchanged (idempotent).
 *
 * One batch per round (not per packet) is what lets 2,000 devices share PostgreSQL: a round costs a handful of
 * statements whatever its size. Up to `maxInFlight` rounds run at once; packets arriving meanwhile form the
 * next, larger round.
 */
import type pg from 'pg';
import { finishBatch, openBatch } from '../batch-queries.js';
import { ingestRecords, type IngestResult } from '../ingest-records.js';
import { insertRefusedRows, type RefusedRowInput } from '../refused-queries.js';
import type { RawMeasurement } from '../validate-measurement.js';
import type { SourceRecord } from '../record-kind.js';
import type { Clock } from '../../time/shanghai.js';
import { addDeviceStats, type DeviceStatsDelta } from './device-queries.js';
import { roundKind, type RoundKind } from './round-kind.js';

export interface PendingPacket {
  mn: string | null;
  peer: string | null;
  rows: RawMeasurement[];
  /** 补传 (RF=1 or long past): written in a batch of its own (adapter hj212_history) so it reads as history. */
  history: boolean;
  /** Set for a refused packet: kept in refused_row with its reason. */
  refusal?: RefusedRowInput;
  version: string | null;
  crcVariant: string | null;
  dataAt: Date | null;
  acked: boolean;
  committed(): void;
  failed(err: unknown): void;
}

export interface CommitRoundsOptions {
  db: pg.Pool;
  clock: Clock;
  sourceId: string;
  delayMs: number;
  maxRows: number;
  maxInFlight: number;
  onIngested?: (result: IngestResult) => Promise<void>;
  onRoundFailed?: (err: unknown, packets: number) => void;
  onStatsFailed?: (err: unknown) => void;
}

const keyOf = (r: RawMeasurement) => `${r.series}|${r.metric}|${r.time}`;
// How long a round reuses the prepared validation (reference version, retention) before reading it again.
const PREPARED_TTL_MS = 5_000;

export class CommitRounds {
  private waiting: PendingPacket[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];
  private readonly kind: RoundKind = roundKind(PREPARED_TTL_MS);

  constructor(private readonly opts: CommitRoundsOptions) {}

  /** The device registry or the reference data changed: validate the next round against them afresh. */
  invalidate(): void {
    this.kind.invalidate();
  }

  submit(p: PendingPacket): void {
    this.waiting.push(p);
    this.waitingRows += p.rows.length;
    if (this.waitingRows >= this.opts.maxRows) this.flushSoon(0);
    else this.flushSoon(this.opts.delayMs);
  }

  /** Resolves when nothing waits and no round runs (shutdown). */
  async drain(): Promise<void> {
    if (this.waiting.length > 0) this.flushSoon(0);
    if (this.waiting.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.idle.push(resolve));
  }

  private flushSoon(ms: number): void {
    if (this.timer && ms > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.startRound();
    }, ms);
  }

  private startRound(): void {
    if (this.waiting.length === 0) return this.settle();
    if (this.inFlight >= this.opts.maxInFlight) return; // the running round starts the next one
    const packets = this.waiting;
    this.waiting = [];
    this.waitingRows = 0;
    this.inFlight += 1;
    void this.runRound(packets)
      .then(
        async () => {
          packets.forEach((p) => p.committed());
          // Bookkeeping after the acknowledgements: the rows are what the logger waits for.
          await addDeviceStats(this.opts.db, statsOf(packets, this.opts.clock.now())).catch((err: unknown) =>
            this.opts.onStatsFailed?.(err),
          );
        },
        (err: unknown) => {
          this.opts.onRoundFailed?.(err, packets.length);
          packets.forEach((p) => p.failed(err));
        },
      )
      .finally(() => {
        this.inFlight -= 1;
        if (this.waiting.length > 0) this.startRound();
        else this.settle();
      });
  }

  private settle(): void {
    if (this.waiting.length > 0 || this.inFlight > 0) return;
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private async runRound(packets: PendingPacket[]): Promise<void> {
    const live: SourceRecord<RawMeasurement>[] = [];
    const history: SourceRecord<RawMeasurement>[] = [];
    const seen = new Set<string>();
    for (const p of packets) {
      for (const raw of p.rows) {
        // A re-send of a packet still waiting (same device, time, factor) is the same row: written once.
        const key = keyOf(raw);
        if (seen.has(key)) continue;
        seen.add(key);
        (p.history ? history : live).push({ row: live.length + history.length + 1, raw });
      }
    }
    const input = { sourceId: this.opts.sourceId, origin: 'HJ 212 receiver' };
    const results: IngestResult[] = [];
    if (live.length > 0) {
      results.push(
        await ingestRecords(this.opts.db, { ...input, adapter: 'hj212' }, this.kind, live, this.opts.clock),
      );
    }
    if (history.length > 0) {
      const adapter = 'hj212_history';
      results.push(
        await ingestRecords(this.opts.db, { ...input, adapter }, this.kind, history, this.opts.clock),
      );
    }
    await this.keepRefusals(packets);
    for (const r of results) if (r.inserted + r.updated > 0) await this.opts.onIngested?.(r);
  }

  private async keepRefusals(packets: readonly PendingPacket[]): Promise<void> {
    const refused = packets.flatMap((p) => (p.refusal ? [p.refusal] : []));
    if (refused.length === 0) return;
    const batchId = await openBatch(this.opts.db, {
      sourceId: this.opts.sourceId,
      adapter: 'hj212',
      recordKind: 'hj212_packet',
      origin: 'HJ 212 receiver: refused packets',
    });
    await insertRefusedRows(this.opts.db, batchId, this.opts.sourceId, 'hj212_packet', refused);
    const n = refused.length;
    await finishBatch(this.opts.db, batchId, {
      received: n,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      refused: n,
    });
  }
}

function statsOf(packets: readonly PendingPacket[], now: Date): DeviceStatsDelta[] {
  const byMn = new Map<string, DeviceStatsDelta>();
  for (const p of packets) {
    if (p.mn === null) continue;
    let d = byMn.get(p.mn);
    if (!d) {
      d = {
        mn: p.mn,
        seenAt: now,
        dataAt: null,
        version: null,
        peer: p.peer,
        packets: 0,
        acked: 0,
        rows: 0,
        refusals: {},
        crcVariants: {},
      };
      byMn.set(p.mn, d);
    }
    d.packets += 1;
    d.rows += p.rows.length;
    if (p.acked) d.acked += 1;
    if (p.version) d.version = p.version;
    if (p.dataAt && (!d.dataAt || p.dataAt > d.dataAt)) d.dataAt = p.dataAt;
    if (p.crcVariant) d.crcVariants[p.crcVariant] = (d.crcVariants[p.crcVariant] ?? 0) + 1;
    if (p.refusal) d.refusals[p.refusal.reasonCode] = (d.refusals[p.refusal.reasonCode] ?? 0) + 1;
  }
  return [...byMn.values()];
}
