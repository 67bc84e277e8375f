-- City-wide (全市) rankings as the city publishes them, and the derived class of each water section.

-- One row per ranked street/town in a published ranking. The city ranks every Beijing street/town (about
-- 260-273 plain-area units, standards.md §8) monthly for PM2.5, TSP, road dust load and uncontrolled bare land
-- (002:2404-2451) and semi-monthly for TSP; the 2024 targets count months in the "后30名 / 后10名" (the 30 / 10
-- worst), which needs the number ranked, so it is kept with every row. Units outside the watched districts are
-- kept too (area_id NULL): the list is the city's, and reports compare against it.
CREATE TABLE city_ranking (
  id            bigserial PRIMARY KEY,
  metric_id     text NOT NULL REFERENCES metric(id),   -- the ranked quantity (pm25, tsp, road_dust_load, …)
  period_kind   text NOT NULL CHECK (period_kind IN ('month', 'half_month')),
  period_start  date NOT NULL,                         -- Shanghai day: the 1st, or the 16th for a second half
  period_end    date NOT NULL,                         -- inclusive
  unit_key      text NOT NULL,                         -- area id, or "district|name" (normalised) for others
  unit_name     text NOT NULL,                         -- as published
  district_name text,
  area_id       text REFERENCES area(id),
  rank          integer NOT NULL CHECK (rank >= 1),    -- 1 = best; ties share a rank (standards.md §8)
  n_ranked      integer NOT NULL CHECK (n_ranked >= rank),
  value         double precision,                      -- in the metric's canonical unit; NULL if not published
  source_id     text NOT NULL,
  batch_id      bigint REFERENCES ingest_batch(id),
  ingested_at   timestamptz NOT NULL DEFAULT now(),
  revision      integer NOT NULL DEFAULT 0,
  CHECK (period_end >= period_start),
  UNIQUE (metric_id, period_kind, period_start, unit_key)
);
CREATE INDEX city_ranking_area_idx ON city_ranking (area_id, metric_id, period_start) WHERE area_id IS NOT NULL;

-- The class of a water section (GB 3838-2002 single-factor rule, 环办〔2011〕22号), per sample (all parameters
-- measured at the same time) and per Shanghai month (the mean of the month's samples per parameter,
-- standards.md §7), with what decided it. Recomputed by the rollups whenever a parameter of the section changes.
CREATE TABLE water_section_class (
  site_id             text NOT NULL REFERENCES site(id),
  period_kind         text NOT NULL CHECK (period_kind IN ('sample', 'month')),
  period_start        timestamptz NOT NULL,      -- sample time, or Shanghai midnight of the month's first day
  month               date NOT NULL,             -- the Shanghai month (first day) it belongs to
  water_class         smallint NOT NULL CHECK (water_class BETWEEN 1 AND 6),  -- 6 = 劣Ⅴ
  target_class        smallint CHECK (target_class BETWEEN 1 AND 6),          -- site_water_target of that year
  meets_target        boolean,                   -- NULL when the section has no target that year
  deciding_parameters text[] NOT NULL,           -- the parameters whose class equals the section class
  main_pollutants     jsonb NOT NULL DEFAULT '[]', -- worse than Ⅲ: up to three {param, value, class, limit, exceedance_multiple}
  parameter_classes   jsonb NOT NULL,            -- {"nh3n": 5, "cod": 4, …}
  parameter_values    jsonb NOT NULL,            -- the values classified (monthly: means), mg/L (pH unitless)
  reference_tn_class  smallint,                  -- lake TN assessed on its own (reference indicator)
  n_samples           integer NOT NULL,
  min_version         smallint NOT NULL,
  standard            text NOT NULL DEFAULT 'GB3838-2002',
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, period_kind, period_start)
);
CREATE INDEX water_section_class_month_idx ON water_section_class (month, period_kind);
