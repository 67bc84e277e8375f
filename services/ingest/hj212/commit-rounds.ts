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
 *
 * A round is one transaction: its batch, rows, refused packets and the devices' counters commit together,
 * so it waits for one WAL flush, not four (opening the batch, the rows, closing the batch, the counters each
 * committed on their own — with rounds of a few dozen packets under load, those flushes were the round).
 * The counters are exact too: a packet is counted exactly when its rows are stored.
 */
import type pg from 'pg';
import { withTransaction, type TxClient } from '../../db/queryable.js';
import { errorMessage } from '../../errors.js';
import { finishBatch, markSourceFailure, openBatch } from '../batch-queries.js';
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
  /** The rows' text was checked where they were cut from (SourceRecord.textChecked). */
  textChecked: boolean;
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
  /** After a round's packets are acknowledged (e.g. ask for a rollup refresh); a failure is reported, not retried. */
  onIngested?: (result: IngestResult) => Promise<void>;
  onIngestedFailed?: (err: unknown) => void;
  onRoundFailed?: (err: unknown, packets: number) => void;
  /** As a round starts (the receiver flushes its per-device metric tally). */
  beforeRound?: () => void;
}

const keyOf = (r: RawMeasurement) => `${r.series}|${r.metric}|${r.time}`;
// A daily value's period starts at Shanghai midnight, up to a day before its DataTime: its partition too.
const DAY_MS = 86_400_000;
// How long a round reuses the prepared validation (reference version, retention) before reading it again.
const PREPARED_TTL_MS = 5_000;

export class CommitRounds {
  private waiting: PendingPacket[] = [];
  private waitingRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private inFlight = 0;
  private readonly idle: (() => void)[] = [];
  private readonly kind: RoundKind;

  constructor(private readonly opts: CommitRoundsOptions) {
    this.kind = roundKind(PREPARED_TTL_MS, opts.db);
  }

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
    this.opts.beforeRound?.();
    void this.runRound(packets)
      .then(
        async (results) => {
          packets.forEach((p) => p.committed());
          // After the acknowledgements: the logger waits for its rows, not for the rollup refresh request
          // (a Redis round trip), and the rows are committed whether or not that request gets through.
          for (const r of results) {
            if (r.inserted + r.updated === 0) continue;
            await this.opts.onIngested?.(r).catch((err: unknown) => this.opts.onIngestedFailed?.(err));
          }
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

  private async runRound(packets: PendingPacket[]): Promise<IngestResult[]> {
    const live: SourceRecord<RawMeasurement>[] = [];
    const history: SourceRecord<RawMeasurement>[] = [];
    const seen = new Set<string>();
    let from = Infinity;
    let to = -Infinity;
    for (const p of packets) {
      if (p.dataAt && p.rows.length > 0) {
        from = Math.min(from, p.dataAt.getTime() - DAY_MS);
        to = Math.max(to, p.dataAt.getTime());
      }
      for (const raw of p.rows) {
        // A re-send of a packet still waiting (same device, time, factor) is the same row: written once.
        const key = keyOf(raw);
        if (seen.has(key)) continue;
        seen.add(key);
        const row = live.length + history.length + 1;
        (p.history ? history : live).push({ row, raw, textChecked: p.textChecked });
      }
    }
    const client = await this.opts.db.connect();
    let results: IngestResult[];
    try {
      // Outside the transaction, so the partitions it creates stay (and are remembered) whatever the round does.
      if (from <= to) await this.kind.ensureMonths(client, new Date(from), new Date(to));
      results = await withTransaction(client, async (tx) => {
        const out: IngestResult[] = [];
        if (live.length > 0) out.push(await this.ingest(tx, 'hj212', live));
        if (history.length > 0) out.push(await this.ingest(tx, 'hj212_history', history));
        await this.keepRefusals(tx, packets);
        await addDeviceStats(tx, statsOf(packets, this.opts.clock.now()));
        return out;
      });
    } catch (err) {
      // What ingestRecords records for a batch of its own; here the rollback undid the batches.
      await markSourceFailure(
        this.opts.db,
        this.opts.sourceId,
        errorMessage(err),
        this.opts.clock.now(),
      ).catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return results;
  }

  private ingest(
    tx: TxClient,
    adapter: 'hj212' | 'hj212_history',
    records: SourceRecord<RawMeasurement>[],
  ): Promise<IngestResult> {
    const input = { sourceId: this.opts.sourceId, adapter, origin: 'HJ 212 receiver' };
    return ingestRecords(this.opts.db, input, this.kind, records, this.opts.clock, { client: tx });
  }

  private async keepRefusals(tx: TxClient, packets: readonly PendingPacket[]): Promise<void> {
    const refused = packets.flatMap((p) => (p.refusal ? [p.refusal] : []));
    if (refused.length === 0) return;
    const batchId = await openBatch(tx, {
      sourceId: this.opts.sourceId,
      adapter: 'hj212',
      recordKind: 'hj212_packet',
      origin: 'HJ 212 receiver: refused packets',
    });
    await insertRefusedRows(tx, batchId, this.opts.sourceId, 'hj212_packet', refused);
    const n = refused.length;
    await finishBatch(tx, batchId, {
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
  // One order for every round, so two rounds sharing devices wait for each other instead of deadlocking.
  return [...byMn.values()].sort((a, b) => (a.mn < b.mn ? -1 : a.mn > b.mn ? 1 : 0));
}
