/**
 * The shape of config/sources.yaml: every source envwatch ingests, configured as data. A source has an
 * adapter (how deliveries arrive: file drop, HTTP pull, HTTP push), a format (what a delivery holds), a
 * schedule (Asia/Shanghai cron; pushes have none), a cadence (the period one value covers), an expected lag
 * and a settle window:
 *
 *   - expected_lag: how long after a period ends its data normally arrives (the municipal hourly feed ≈ 1 h;
 *     the city's monthly rankings ≈ 10 days);
 *   - settle_window: how much longer late data is still normal. A period whose data has not arrived by
 *     period end + expected_lag + settle_window makes the source stale ("no data"); an HTTP pull re-reads
 *     every period still inside that horizon, so late and revised values are picked up.
 */
import cron from 'node-cron';
import { z } from 'zod';
import { DAY, HOUR, MINUTE, SECOND } from '../../time/shanghai.js';
import { normaliseZone } from '../parse-time.js';

const ID = /^[a-z][a-z0-9_]*$/;
const UNIT_MS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY };

/** "90m", "2h", "15d" → milliseconds. */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?\s*[smhd]$/, 'a duration such as 90m, 2h or 15d')
  .transform((s) => Math.round(Number.parseFloat(s) * UNIT_MS[s.trim().slice(-1)]!));

const cronSchema = z.string().refine((s) => cron.validate(s), 'not a valid cron expression (node-cron)');
const zoneSchema = z
  .string()
  .refine((s) => normaliseZone(s) !== null, 'a zone such as +08:00 or Z')
  .transform((s) => normaliseZone(s)!);

export const CADENCES = ['hour', 'day', 'month', 'half_month', 'event'] as const;
export type Cadence = (typeof CADENCES)[number];

/** What a delivery holds; files say csv or xlsx by their extension. */
export const FORMATS = ['long', 'wide', 'city_ranking', 'sand_dust', 'warning'] as const;
export type FormatId = (typeof FORMATS)[number];

const common = {
  id: z.string().regex(ID, 'ids are lower-case letters, digits and _, starting with a letter'),
  name_zh: z.string().trim().min(1),
  name_en: z.string().trim().min(1).optional(),
  enabled: z.boolean().default(true),
  cadence: z.enum(CADENCES),
  expected_lag: durationSchema,
  settle_window: durationSchema,
  note: z.string().optional(),
};

const fileDrop = z.strictObject({
  ...common,
  adapter: z.literal('file_drop'),
  schedule: cronSchema,
  /** A directory under DROP_DIR (or absolute). Writers put `name.part` and rename it when complete. */
  dir: z.string().min(1),
  format: z.enum([...FORMATS, 'auto']).default('auto'),
  /** Long-format files larger than this go through the bulk path (COPY); default INGEST_BULK_THRESHOLD_MB. */
  bulk_threshold_mb: z.number().positive().optional(),
});

/** A dotted path into a JSON record: `data.items`, `values.0.v`. */
const jsonPath = z.string().regex(/^[^.\s][^\s]*$/, 'a dotted path such as data.items');

const pullMapping = z
  .strictObject({
    records: jsonPath,
    time: jsonPath,
    /** The zone of zone-less times in this feed, declared here rather than guessed. */
    time_zone: zoneSchema.optional(),
    /** `end`: the feed stamps an hour by its end (1..24), as Chinese hourly tables do; stored by its start. */
    time_label: z.enum(['start', 'end']).default('start'),
    series: jsonPath,
    /** Long records: one metric per record. */
    metric: jsonPath.optional(),
    value: jsonPath.optional(),
    unit: jsonPath.optional(),
    flags: jsonPath.optional(),
    /** Wide records: metric id → path of its value (and optionally of its flag). */
    metrics: z.record(z.string(), jsonPath).optional(),
    metric_flags: z.record(z.string(), jsonPath).optional(),
    /** Units by metric id when the feed states them once, not per value. */
    units: z.record(z.string(), z.string()).optional(),
    version: jsonPath.optional(),
    /** A constant data version when the feed has no field for it (municipal real-time feeds are provisional). */
    version_value: z.enum(['provisional', 'audited']).optional(),
    /** The feed's own codes for invalid values (maintenance, calibration, …), stored as the flag `invalid`. */
    invalid_flags: z.array(z.string()).default([]),
  })
  .refine((m) => (m.metrics ? !m.metric && !m.value : m.metric && m.value), {
    message: 'give either metric + value (one metric per record) or metrics (a value path per metric)',
  });

const paging = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({
    kind: z.literal('page'),
    param: z.string().min(1),
    start: z.number().int().default(1),
    size_param: z.string().min(1).optional(),
    size: z.number().int().positive().optional(),
  }),
  /** The response names the next cursor (or next URL); absent or empty ends the listing. */
  z.strictObject({ kind: z.literal('cursor'), param: z.string().min(1), next: jsonPath }),
  z.strictObject({ kind: z.literal('next_url'), next: jsonPath }),
]);

const httpPull = z.strictObject({
  ...common,
  adapter: z.literal('http_pull'),
  schedule: cronSchema,
  format: z.literal('long').default('long'),
  url: z.url(),
  /** Query parameters; {from} {to} are ISO 8601 with +08:00, {from_local} {to_local} Shanghai wall time. */
  query: z.record(z.string(), z.string()).default({}),
  headers: z.record(z.string(), z.string()).default({}),
  /** The header value is SOURCE_SECRETS[secret] (never written in this file), after an optional prefix. */
  auth: z
    .strictObject({ header: z.string().min(1), secret: z.string().min(1), prefix: z.string().default('') })
    .optional(),
  paging: paging.default({ kind: 'none' }),
  max_pages: z.number().int().positive().default(500),
  timeout_ms: z.number().int().positive().default(30_000),
  mapping: pullMapping,
});

const httpPush = z.strictObject({
  ...common,
  adapter: z.literal('http_push'),
  format: z.literal('long').default('long'),
  /** Most measurements one request may carry. */
  max_rows: z.number().int().positive().max(100_000).default(20_000),
});

export const sourceSchema = z.discriminatedUnion('adapter', [fileDrop, httpPull, httpPush]);
export const sourcesFileSchema = z.strictObject({ sources: z.array(sourceSchema) });

export type SourceDefinition = z.output<typeof sourceSchema>;
export type FileDropSource = z.output<typeof fileDrop>;
export type HttpPullSource = z.output<typeof httpPull>;
export type HttpPushSource = z.output<typeof httpPush>;
export type PullMapping = z.output<typeof pullMapping>;
