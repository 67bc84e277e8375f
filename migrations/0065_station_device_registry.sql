-- The station and device registry (issue 18 item 2). Sites users add with `envwatch site add` (or the admin API)
-- live in the same `site` table as the shipped reference, so every reader (validation, dashboard, rules) sees
-- them alike; `origin` tells them apart, and `envwatch seed` — which deletes reference rows no longer in the
-- files — leaves registry rows and their aliases alone.
ALTER TABLE site ADD COLUMN origin text NOT NULL DEFAULT 'reference' CHECK (origin IN ('reference', 'registry'));
ALTER TABLE site_alias ADD COLUMN origin text NOT NULL DEFAULT 'reference'
  CHECK (origin IN ('reference', 'registry'));

-- HJ 212 data loggers (数采仪), one row per MN. The packets carry no units and no site: both come from here.
CREATE TABLE hj212_device (
  mn               text PRIMARY KEY CHECK (length(mn) BETWEEN 1 AND 40 AND mn !~ '[;,=&\s]'),
  site_id          text NOT NULL REFERENCES site(id),
  name             text,
  -- The logger's access password (PW), compared with every packet; stored as the logger stores it.
  password         text NOT NULL CHECK (length(password) BETWEEN 1 AND 20),
  protocol_version text NOT NULL CHECK (protocol_version IN ('2005', '2017', '2025')),
  -- standard = HJ 212 App. A CRC; modbus = CRC-16/MODBUS (several loggers and simulators); either.
  crc_mode         text NOT NULL DEFAULT 'standard' CHECK (crc_mode IN ('standard', 'modbus', 'either')),
  reply_format     text NOT NULL DEFAULT 'standard' CHECK (reply_format IN ('standard', '2005')),
  -- 2025 data-area encryption key (SM4, 16 bytes as 32 hex digits); NULL = the device sends clear text.
  sm4_key          text CHECK (sm4_key ~ '^[0-9A-F]{32}$'),
  -- factor code → { "metric": "pm25", "unit": "µg/m³" }: which envwatch metric a factor is, in which unit.
  factors          jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(factors) = 'object'),
  -- How often the device uploads; silent for longer than this (plus a grace) raises the stale-source condition.
  expected_interval_seconds integer NOT NULL DEFAULT 3600 CHECK (expected_interval_seconds > 0),
  -- The zone of the logger's DataTime/QN clock (the standard names none; Chinese loggers keep Beijing time).
  time_zone        text NOT NULL DEFAULT '+08:00',
  -- Accept a declared length that differs from the bytes sent (character counting, plaintext length of an
  -- encrypted area) when the CRC verifies.
  length_lenient   boolean NOT NULL DEFAULT false,
  enabled          boolean NOT NULL DEFAULT true,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hj212_device_site_idx ON hj212_device (site_id);

-- What the receiver saw of each MN (registered or not: an unknown MN is worth seeing). Written by the receiver
-- in one statement per commit round; the counters only grow.
CREATE TABLE hj212_device_stats (
  mn               text PRIMARY KEY,
  first_seen_at    timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  last_data_at     timestamptz,
  protocol_version text,
  last_peer        text,
  packets          bigint NOT NULL DEFAULT 0,
  acked            bigint NOT NULL DEFAULT 0,
  rows_written     bigint NOT NULL DEFAULT 0,
  refusals         jsonb NOT NULL DEFAULT '{}'::jsonb,  -- reason code → count
  crc_standard     bigint NOT NULL DEFAULT 0,            -- packets whose CRC was HJ 212 App. A's
  crc_modbus       bigint NOT NULL DEFAULT 0,            -- packets whose CRC was CRC-16/MODBUS
  stale_since      timestamptz
);

-- Refused HJ 212 packets are kept and re-processed like other refused input, as their own record kind.
ALTER TABLE ingest_batch DROP CONSTRAINT ingest_batch_record_kind_check;
ALTER TABLE ingest_batch ADD CONSTRAINT ingest_batch_record_kind_check
  CHECK (record_kind IN ('measurement', 'city_ranking', 'sand_dust_period', 'heavy_pollution_warning', 'hj212_packet'));
