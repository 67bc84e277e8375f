/**
 * What a user may register (issue 18 item 2): sites (air stations, dust-fall sites, dust monitors, water
 * sections) and HJ 212 devices. Codes as stations really have them — `beiyuan-s1`, with hyphens — are
 * accepted: the site id is the code with `-` written `_` (ids stay SQL- and YAML-friendly, migration 0001),
 * and the code itself is kept as an alias, so feeds and packets that say `beiyuan-s1` find the site.
 */
import { z } from 'zod';
import { CRC_MODES } from '../ingest/hj212/crc.js';
import { REPLY_FORMATS } from '../ingest/hj212/replies.js';
import { parseSm4Key } from '../ingest/hj212/sm4.js';
import { PROTOCOL_VERSIONS } from '../ingest/hj212/versions.js';

export const SITE_KINDS = ['air_station', 'dust_fall_site', 'water_section'] as const;
/** "dust monitor" (扬尘在线监测) is an air station of level micro: the store knows three kinds of site. */
export const SITE_KIND_ALIASES: Record<string, (typeof SITE_KINDS)[number]> = {
  dust_monitor: 'air_station',
};
export const STATION_LEVELS = ['national', 'municipal', 'district', 'micro'] as const;

const CODE = /^[a-z][a-z0-9_-]*$/;

export const siteCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(CODE, 'a code is lower-case letters, digits, _ and -, starting with a letter (e.g. beiyuan-s1)')
  .max(60);

export const siteIdOf = (code: string): string => code.replace(/-/g, '_');

const kind = z
  .string()
  .transform((k) => SITE_KIND_ALIASES[k] ?? k)
  .pipe(z.enum(SITE_KINDS, { message: `one of ${[...SITE_KINDS, 'dust_monitor'].join(', ')}` }));

export const siteInput = z.strictObject({
  code: siteCode,
  kind,
  name_zh: z.string().trim().min(1),
  name_en: z.string().trim().min(1).optional(),
  district_id: z.string().trim().min(1),
  area_id: z.string().trim().min(1).nullish(),
  station_level: z.enum(STATION_LEVELS).nullish(),
  aliases: z.array(z.string().trim().min(1)).default([]),
  latitude: z.number().min(-90).max(90).nullish(),
  longitude: z.number().min(-180).max(180).nullish(),
  note: z.string().nullish(),
});
export type SiteInput = z.infer<typeof siteInput>;

export const siteUpdate = siteInput.omit({ code: true }).partial().strict();
export type SiteUpdate = z.infer<typeof siteUpdate>;

const factor = z.strictObject({ metric: z.string().trim().min(1), unit: z.string().trim().min(1) });

const sm4Key = z
  .string()
  .transform((k, ctx) => {
    try {
      return parseSm4Key(k).toString('hex').toUpperCase();
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  })
  .nullish();

export const deviceInput = z.strictObject({
  mn: z
    .string()
    .trim()
    .min(1)
    .max(40)
    .regex(/^[^;,=&\s]+$/, 'an MN has no ; , = & or spaces'),
  site: z.string().trim().min(1),
  name: z.string().trim().min(1).nullish(),
  password: z.string().min(1).max(20),
  protocol_version: z.enum(PROTOCOL_VERSIONS),
  crc_mode: z.enum(CRC_MODES).default('standard'),
  reply_format: z.enum(REPLY_FORMATS).default('standard'),
  sm4_key: sm4Key,
  factors: z
    .record(z.string().regex(/^[A-Za-z0-9]{1,10}$/, 'a factor code such as a34004'), factor)
    .default({}),
  expected_interval_seconds: z.number().int().positive().default(3600),
  time_zone: z
    .string()
    .regex(/^(Z|[+-]\d{2}:\d{2})$/, 'an offset such as +08:00')
    .default('+08:00'),
  length_lenient: z.boolean().default(false),
  enabled: z.boolean().default(true),
});
export type DeviceInput = z.infer<typeof deviceInput>;

export const deviceUpdate = deviceInput.omit({ mn: true }).partial().strict();
export type DeviceUpdate = z.infer<typeof deviceUpdate>;
