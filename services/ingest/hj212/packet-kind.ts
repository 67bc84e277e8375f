/**
 * Refused HJ 212 packets as a record kind, so they are listed and re-processed like every other refused
 * input (`envwatch reprocess --reason HJ212_UNKNOWN_MN` after `envwatch device add`, say). The stored raw
 * record is the packet's bytes; re-processing frames and judges it again against the registry as it is now,
 * and writes its rows through the measurement kind. A packet one of whose values is refused is refused
 * whole on re-processing, with that value's reason (the live receiver refuses such values one by one).
 */
import { z } from 'zod';
import type { MeasurementRow } from '../../store/measurement-queries.js';
import { measurementKind } from '../kinds/measurement-kind.js';
import type { RecordKind } from '../record-kind.js';
import { loadReferenceIndex } from '../reference-index.js';
import { refuse } from '../refusal-reasons.js';
import { loadValidationLimits, validateMeasurement } from '../validate-measurement.js';
import { toDevice } from './device-cache.js';
import { listDevices } from './device-queries.js';
import { FrameSplitter } from './framing.js';
import { PacketFormatError } from './packet.js';
import { judgePacket } from './packet-rules.js';
import { areaToRows } from './to-rows.js';

export interface RawPacket {
  /** The packet's bytes, base64 (a packet is bytes: a garbled one need not be UTF-8). */
  packet_b64: string;
  /** The same as text, for a person reading the listing. */
  text: string;
  peer: string | null;
}

export const rawPacketSchema: z.ZodType<RawPacket> = z.object({
  packet_b64: z.string(),
  text: z.string(),
  peer: z.string().nullable(),
});

export function rawPacketOf(bytes: Buffer, peer: string | null): RawPacket {
  return { packet_b64: bytes.toString('base64'), text: bytes.toString('utf8'), peer };
}

export const hj212PacketKind: RecordKind<RawPacket, MeasurementRow[]> = {
  id: 'hj212_packet',
  rawSchema: rawPacketSchema,
  async prepare(db) {
    const devices = new Map((await listDevices(db)).map((r) => [r.mn, toDevice(r)]));
    const ref = await loadReferenceIndex(db);
    const limits = await loadValidationLimits(db);
    const resolutionOf = (metric: string) => ref.metrics.get(metric)?.resolution;
    return (raw, now) => {
      const { events } = new FrameSplitter().push(Buffer.from(raw.packet_b64, 'base64'));
      const first = events[0];
      if (!first || first.kind !== 'frame') return refuse('HJ212_UNTERMINATED', raw.text.slice(0, 60));
      const j = judgePacket(first.frame, (mn) => devices.get(mn));
      if (j.kind === 'refused') return refuse(j.code, j.detail);
      if (j.kind !== 'data') return refuse('HJ212_MALFORMED', `CN=${j.header.cn} carries no data`);
      let area;
      try {
        area = areaToRows(j.area, j.cn, j.device, resolutionOf);
      } catch (err) {
        if (err instanceof PacketFormatError) return refuse('HJ212_MALFORMED', err.message);
        throw err;
      }
      const rows: MeasurementRow[] = [];
      for (const r of area.rows) {
        const v = validateMeasurement(r, ref, now, limits);
        if (!v.ok) return v;
        rows.push(v.row);
      }
      const key = `${j.device.mn}|${j.cn}|${area.dataAt.getTime()}|${j.header.pno ?? 1}`;
      return { ok: true, row: rows, key, dataAt: area.dataAt };
    };
  },
  async beforeWrite(db, packets) {
    await measurementKind.beforeWrite?.(db, packets.flat());
  },
  async write(tx, packets, meta) {
    const flat = packets.flat();
    const owner = packets.flatMap((rows, i) => rows.map(() => i));
    const out = await measurementKind.write(tx, flat, meta);
    const refused = new Map<
      number,
      { index: number; code: (typeof out.refused)[number]['code']; detail: string }
    >();
    for (const r of out.refused) {
      const index = owner[r.index]!;
      if (!refused.has(index)) refused.set(index, { index, code: r.code, detail: r.detail });
    }
    return { ...out, refused: [...refused.values()] };
  },
};
