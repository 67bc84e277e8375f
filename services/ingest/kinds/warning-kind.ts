/**
 * Heavy-pollution warnings (重污染天气预警) as issued — level, start, end, area, issuer (standards.md §6,
 * 003:912 lists the fields of a warning). The district issues them "following the city's unified deployment"
 * (002:3466-3473): envwatch records them, it does not forecast. A re-delivery with the same external id
 * (the issuer's reference) updates the warning: an end time added, a level raised, a lift.
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

export interface RawWarning {
  external_id: string;
  level: string;
  start: string;
  end?: string | null;
  lifted?: string | null;
  district?: string | null;
  areas?: string | null;
  issuer: string;
  measures?: string | null;
  zone?: string | null;
  at?: string | null;
}

export type WarningLevel = 'blue' | 'yellow' | 'orange' | 'red';

export interface WarningRow {
  externalId: string;
  level: WarningLevel;
  startsAt: Date;
  endsAt: Date | null;
  liftedAt: Date | null;
  districtId: string | null;
  areaIds: string[];
  issuer: string;
  measures: string | null;
}

const text = z.union([z.string(), z.number()]).transform(String);
const rawWarningSchema = eventRawSchema({
  external_id: text,
  level: text,
  start: z.string(),
  end: z.string().nullish(),
  lifted: z.string().nullish(),
  district: z.string().nullish(),
  areas: z.string().nullish(),
  issuer: z.string(),
  measures: z.string().nullish(),
}) as z.ZodType<RawWarning>;

/** 003:905: 一级/二级/三级/四级 = 红/橙/黄/蓝, 一级 the highest. */
const LEVELS: Record<string, WarningLevel> = {
  blue: 'blue',
  蓝: 'blue',
  蓝色: 'blue',
  蓝色预警: 'blue',
  四级: 'blue',
  iv: 'blue',
  '4': 'blue',
  yellow: 'yellow',
  黄: 'yellow',
  黄色: 'yellow',
  黄色预警: 'yellow',
  三级: 'yellow',
  iii: 'yellow',
  '3': 'yellow',
  orange: 'orange',
  橙: 'orange',
  橙色: 'orange',
  橙色预警: 'orange',
  二级: 'orange',
  ii: 'orange',
  '2': 'orange',
  red: 'red',
  红: 'red',
  红色: 'red',
  红色预警: 'red',
  一级: 'red',
  i: 'red',
  '1': 'red',
};

export function parseWarningLevel(level: string): WarningLevel | null {
  return LEVELS[level.normalize('NFKC').replace(/\s+/g, '').toLowerCase()] ?? null;
}

export function validateWarning(raw: RawWarning, ref: ReferenceIndex): Validated<WarningRow> {
  const missing = (['external_id', 'level', 'start', 'issuer'] as const).filter(
    (k) => !String(raw[k] ?? '').trim(),
  );
  if (missing.length > 0) return refuse('MISSING_FIELD', missing.join(', '));
  const level = parseWarningLevel(String(raw.level));
  if (!level) return refuse('BAD_LEVEL', String(raw.level));
  // A warning may be issued ahead of its start ("自明日0时起"), so a future start is not refused.
  const start = parseEventBound(raw.start, raw.zone ?? null, 'start');
  if (!start.ok) return refuse(start.reason, raw.start);
  let endsAt: Date | null = null;
  if (raw.end?.trim()) {
    const end = parseEventBound(raw.end, raw.zone ?? null, 'end');
    if (!end.ok) return refuse(end.reason, raw.end);
    if (end.date <= start.date) return refuse('BAD_RANGE', `${raw.start} – ${raw.end}`);
    endsAt = end.date;
  }
  let liftedAt: Date | null = null;
  if (raw.lifted?.trim()) {
    const lifted = parseEventBound(raw.lifted, raw.zone ?? null, 'start');
    if (!lifted.ok) return refuse(lifted.reason, raw.lifted);
    liftedAt = lifted.date;
  }
  const place = resolvePlace(ref, raw.district, raw.areas);
  if ('ok' in place) return place;
  const row: WarningRow = {
    externalId: String(raw.external_id).trim(),
    level,
    startsAt: start.date,
    endsAt,
    liftedAt,
    districtId: place.districtId,
    areaIds: place.areaIds,
    issuer: raw.issuer.trim(),
    measures: raw.measures?.trim() || null,
  };
  return { ok: true, row, key: row.externalId, dataAt: null };
}

async function writeWarnings(tx: Queryable, rows: readonly WarningRow[], batchId: number) {
  // A warning's areas travel as one comma-joined text (unnest cannot take an array of arrays).
  const input = rows.map((x) => ({ ...x, areaIds: x.areaIds.join(',') }));
  return countedUpsert(
    tx,
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[],
                            $6::text[], $7::text[], $8::text[], $9::text[])
         AS t(external_id, level, starts_at, ends_at, lifted_at, district_id, area_ids, issuer, measures)
     ),
     written AS (
       INSERT INTO heavy_pollution_warning AS w (external_id, level, starts_at, ends_at, lifted_at, district_id,
                                                 area_ids, issuer, measures, batch_id)
       SELECT external_id, level, starts_at, ends_at, lifted_at, district_id,
              coalesce(string_to_array(nullif(area_ids, ''), ','), '{}'), issuer, measures, $10
         FROM input
       ON CONFLICT (external_id) DO UPDATE
          SET level = EXCLUDED.level, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
              lifted_at = EXCLUDED.lifted_at, district_id = EXCLUDED.district_id, area_ids = EXCLUDED.area_ids,
              issuer = EXCLUDED.issuer, measures = EXCLUDED.measures, batch_id = EXCLUDED.batch_id, updated_at = now()
        WHERE (w.level, w.starts_at, w.ends_at, w.lifted_at, w.district_id, w.area_ids, w.issuer, w.measures)
              IS DISTINCT FROM (EXCLUDED.level, EXCLUDED.starts_at, EXCLUDED.ends_at, EXCLUDED.lifted_at,
                                EXCLUDED.district_id, EXCLUDED.area_ids, EXCLUDED.issuer, EXCLUDED.measures)
       RETURNING (w.xmax = 0) AS inserted
     )
     ${COUNT_WRITTEN}`,
    [
      ...columnsOf(input, [
        'externalId',
        'level',
        'startsAt',
        'endsAt',
        'liftedAt',
        'districtId',
        'areaIds',
        'issuer',
        'measures',
      ]),
      batchId,
    ],
    rows.length,
  );
}

export const warningKind: RecordKind<RawWarning, WarningRow> = eventKind({
  id: 'heavy_pollution_warning',
  rawSchema: rawWarningSchema,
  validate: validateWarning,
  upsert: writeWarnings,
});
