/**
 * Sand-dust exclusion periods (扣除沙尘影响): determined outside (the national/municipal monitoring centre,
 * standards.md §5) and ingested as auditable inputs — start, end, area, source. Statistics marked
 * 扣除沙尘影响 leave out the days a period overlaps; nothing is deleted. A new or changed period queues the
 * particulate metrics of every day it touches for re-evaluation.
 */
import { z } from 'zod';
import type { Queryable } from '../../db/queryable.js';
import { parseEventBound } from '../parse-time.js';
import type { RecordKind, Validated } from '../record-kind.js';
import { refuse } from '../refusal-reasons.js';
import type { ReferenceIndex } from '../reference-index.js';
import { eventKind, eventRawSchema } from './event-kind.js';
import { columnsOf, COUNT_WRITTEN, countedUpsert } from './upsert-counts.js';
import { resolvePlace } from './place.js';

export interface RawSandDust {
  start: string;
  end: string;
  district?: string | null;
  area?: string | null;
  source: string;
  note?: string | null;
  zone?: string | null;
  at?: string | null;
}

export interface SandDustRow {
  startsAt: Date;
  endsAt: Date;
  districtId: string | null;
  areaId: string | null;
  source: string;
  note: string | null;
}

const rawSandDustSchema = eventRawSchema({
  start: z.string(),
  end: z.string(),
  district: z.string().nullish(),
  area: z.string().nullish(),
  source: z.string(),
  note: z.string().nullish(),
}) as z.ZodType<RawSandDust>;

export function validateSandDust(raw: RawSandDust, ref: ReferenceIndex, now: Date): Validated<SandDustRow> {
  const missing = (['start', 'end', 'source'] as const).filter((k) => !raw[k]?.trim());
  if (missing.length > 0) return refuse('MISSING_FIELD', missing.join(', '));
  const start = parseEventBound(raw.start, raw.zone ?? null, 'start');
  if (!start.ok) return refuse(start.reason, raw.start);
  const end = parseEventBound(raw.end, raw.zone ?? null, 'end');
  if (!end.ok) return refuse(end.reason, raw.end);
  if (end.date <= start.date) return refuse('BAD_RANGE', `${raw.start} – ${raw.end}`);
  // A period is determined after the event; one starting in the future is a typo, not a forecast.
  if (start.date > now) return refuse('FUTURE_TIMESTAMP', raw.start);
  if ((raw.area ?? '').split(/[、,，;；|]/).filter((a) => a.trim()).length > 1) {
    return refuse('UNKNOWN_AREA', `one street/town per record: ${raw.area}`);
  }
  const place = resolvePlace(ref, raw.district, raw.area);
  if ('ok' in place) return place;
  const row: SandDustRow = {
    startsAt: start.date,
    endsAt: end.date,
    districtId: place.districtId,
    areaId: place.areaIds[0] ?? null,
    source: raw.source.trim(),
    note: raw.note?.trim() || null,
  };
  const key = `${row.startsAt.toISOString()}|${row.endsAt.toISOString()}|${row.districtId ?? ''}|${row.areaId ?? ''}`;
  return { ok: true, row, key, dataAt: null };
}

/** Particulate statistics a sand-dust period changes: concentrations, dust fall and the AQI derived from them. */
const AFFECTED_METRICS = ['pm25', 'pm10', 'tsp', 'dust_fall', 'aqi'];

async function writeSandDust(tx: Queryable, rows: readonly SandDustRow[], batchId: number) {
  return countedUpsert(
    tx,
    `WITH input AS (
       SELECT * FROM unnest($1::timestamptz[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[])
         AS t(starts_at, ends_at, district_id, area_id, source, note)
     ),
     written AS (
       INSERT INTO sand_dust_period AS p (starts_at, ends_at, district_id, area_id, source, note, batch_id)
       SELECT starts_at, ends_at, district_id, area_id, source, note, $7 FROM input
       ON CONFLICT (starts_at, ends_at, district_id, area_id) DO UPDATE
          SET source = EXCLUDED.source, note = EXCLUDED.note, batch_id = EXCLUDED.batch_id, updated_at = now()
        WHERE (p.source, p.note) IS DISTINCT FROM (EXCLUDED.source, EXCLUDED.note)
       RETURNING p.starts_at, p.ends_at, p.district_id, p.area_id, (p.xmax = 0) AS inserted
     ),
     scopes AS (
       SELECT w.starts_at, w.ends_at, s.scope_id
         FROM written w
         CROSS JOIN LATERAL (
           SELECT a.id AS scope_id FROM area a
            WHERE (w.area_id IS NOT NULL AND a.id = w.area_id)
               OR (w.area_id IS NULL AND (w.district_id IS NULL OR a.district_id = w.district_id))
           UNION ALL
           SELECT d.id FROM district d WHERE w.area_id IS NULL AND (w.district_id IS NULL OR d.id = w.district_id)
         ) s
     ),
     queued AS (
       INSERT INTO evaluation_queue (scope_id, metric_id, day)
       SELECT DISTINCT s.scope_id, m.metric_id, d::date
         FROM scopes s
         CROSS JOIN unnest($8::text[]) AS m(metric_id)
         CROSS JOIN generate_series((s.starts_at AT TIME ZONE 'Asia/Shanghai')::date,
                                    ((s.ends_at - INTERVAL '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date,
                                    INTERVAL '1 day') AS d
       ON CONFLICT (scope_id, metric_id, day) DO UPDATE SET queued_at = now()
     )
     ${COUNT_WRITTEN}`,
    [
      ...columnsOf(rows, ['startsAt', 'endsAt', 'districtId', 'areaId', 'source', 'note']),
      batchId,
      AFFECTED_METRICS,
    ],
    rows.length,
  );
}

export const sandDustKind: RecordKind<RawSandDust, SandDustRow> = eventKind({
  id: 'sand_dust_period',
  rawSchema: rawSandDustSchema,
  validate: validateSandDust,
  upsert: writeSandDust,
});
