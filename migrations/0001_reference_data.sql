-- Reference data: districts, areas (streets/towns/township), metrics, monitoring sites, responsible units,
-- officials and the contact directory. Loaded idempotently by `envwatch seed` from config/reference/*.yaml.

CREATE TABLE district (
  id          text PRIMARY KEY,
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  sort_order  int  NOT NULL DEFAULT 0
);

-- A street (街道), town (镇) or township (乡). Validity periods matter: five Tongzhou streets first appear in
-- the 2021 plan, so a 2020 ranking has 17 units and a 2021 ranking 22.
CREATE TABLE area (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  district_id text NOT NULL REFERENCES district(id),
  name_zh     text NOT NULL,          -- as the plans write it, e.g. 北苑街道办事处
  short_zh    text NOT NULL,          -- e.g. 北苑街道
  name_en     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('street', 'town', 'township')),
  valid_from  date NOT NULL,
  valid_to    date,                   -- inclusive; NULL = still valid
  sort_order  int  NOT NULL DEFAULT 0,
  CHECK (valid_to IS NULL OR valid_to >= valid_from)
);

CREATE TABLE area_alias (
  alias   text PRIMARY KEY,
  area_id text NOT NULL REFERENCES area(id) ON DELETE CASCADE
);

CREATE TABLE metric (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  unit        text NOT NULL,          -- canonical unit stored in measurement.value, e.g. ug/m3
  unit_zh     text NOT NULL,          -- e.g. 微克/立方米
  -- The natural resolution of a raw value: hourly concentrations, daily samples, monthly dust fall,
  -- monthly rank positions, water samples, a class.
  resolution  text NOT NULL CHECK (resolution IN ('hour', 'day', 'month', 'sample')),
  domain      text NOT NULL CHECK (domain IN ('air', 'dust', 'water', 'rank', 'land')),
  -- Which direction is better; rankings put the worst value last (后10名 = the ten worst).
  better      text NOT NULL CHECK (better IN ('lower', 'higher')),
  decimals    int  NOT NULL DEFAULT 1,
  -- Accepted alternative units with the factor to the canonical unit (mg/m3 -> ug/m3 = 1000).
  unit_conversions jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Values outside [plausible_min, plausible_max] are refused as absurd.
  plausible_min double precision,
  plausible_max double precision
);

-- A monitoring site: an air station, a dust-fall site or a water section. Measurements of a site have
-- series_id = site id; area-level values (a street/town's monthly dust fall) use series_id = area id.
CREATE TABLE site (
  id            text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  kind          text NOT NULL CHECK (kind IN ('air_station', 'dust_fall_site', 'water_section')),
  name_zh       text NOT NULL,
  name_en       text NOT NULL,
  district_id   text NOT NULL REFERENCES district(id),
  area_id       text REFERENCES area(id),          -- responsible street/town (for a town outflow section too)
  station_level text CHECK (station_level IN ('national', 'municipal', 'district', 'micro')),
  river_zh      text,
  river_en      text,
  -- national/municipal assessment, boundary, town outflow, inflow to a main river, trans-boundary
  section_kinds text[] NOT NULL DEFAULT '{}',
  waterbody     text CHECK (waterbody IN ('river', 'lake')),
  is_example    boolean NOT NULL DEFAULT false,    -- the plans name no such site; shipped as an example
  note          text,
  latitude      double precision,
  longitude     double precision,
  valid_from    date NOT NULL DEFAULT DATE '2000-01-01',
  valid_to      date
);
CREATE INDEX site_area_idx ON site (area_id);

CREATE TABLE site_alias (
  alias   text PRIMARY KEY,
  site_id text NOT NULL REFERENCES site(id) ON DELETE CASCADE
);

-- A section's target class per plan year (2020 names nine sections; 2024 only says "1×Ⅲ, 7×Ⅳ").
CREATE TABLE site_water_target (
  site_id      text NOT NULL REFERENCES site(id) ON DELETE CASCADE,
  year         int  NOT NULL,
  target_class smallint NOT NULL CHECK (target_class BETWEEN 1 AND 6),
  overrides    jsonb NOT NULL DEFAULT '{}'::jsonb,  -- e.g. {"nh3n": {"max": 4}}
  source       text NOT NULL,                       -- citation, e.g. 000:3530
  PRIMARY KEY (site_id, year)
);

-- Responsible units: district departments (区生态环境局 …), BDA departments, the streets/towns themselves,
-- and collective units (各街道乡镇) that expand to members when an alert is routed.
CREATE TABLE unit (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  name_zh     text NOT NULL,
  name_en     text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('department', 'area', 'collective', 'command', 'leadership')),
  district_id text REFERENCES district(id),
  area_id     text REFERENCES area(id),             -- set when the unit is a street/town government
  -- For collective units: 'area_of_scope' (各街道乡镇: the street/town concerned), 'all_areas', or 'members'.
  expands_to  text CHECK (expands_to IN ('area_of_scope', 'all_areas', 'members')),
  members     text[] NOT NULL DEFAULT '{}'
);

CREATE TABLE unit_alias (
  alias   text PRIMARY KEY,
  unit_id text NOT NULL REFERENCES unit(id) ON DELETE CASCADE
);

-- Officials named as 牵头领导, with the plan years they appear in (leaders rotate).
CREATE TABLE official (
  id        text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_]*$'),
  name_zh   text NOT NULL,
  name_en   text NOT NULL,
  role_zh   text,
  role_en   text,
  years     int[] NOT NULL DEFAULT '{}',
  source    text
);

-- The contact directory is personal data: it is loaded from a file kept out of git (CONTACTS_FILE) and
-- versioned by year because officials rotate.
CREATE TABLE contact (
  id           text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_.-]*$'),
  name_zh      text NOT NULL,
  name_en      text,
  unit_id      text REFERENCES unit(id),
  official_id  text REFERENCES official(id),
  role         text NOT NULL,                        -- e.g. 主任, 联络员, 分管副区长
  email        text,
  mobile       text,
  locale       text NOT NULL DEFAULT 'zh-CN' CHECK (locale IN ('zh-CN', 'en')),
  quiet_from   time,                                 -- Asia/Shanghai wall clock; SMS waits until quiet_to
  quiet_to     time,
  year_from    int NOT NULL,
  year_to      int,
  is_district_leadership boolean NOT NULL DEFAULT false,
  CHECK (email IS NOT NULL OR mobile IS NOT NULL),
  CHECK (unit_id IS NOT NULL OR official_id IS NOT NULL OR is_district_leadership)
);
CREATE INDEX contact_unit_idx ON contact (unit_id);
CREATE INDEX contact_official_idx ON contact (official_id);
