-- A counter that moves whenever the reference data a batch is validated against changes (sites, areas, their
-- aliases, districts, metrics). Ingestion caches its reference index and re-reads it only when the counter
-- moved: one tiny query per batch instead of the whole reference set, and an alias added to fix refused rows
-- is seen by the very next batch (services/ingest/reference-index.ts).
CREATE TABLE reference_version (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version    bigint NOT NULL DEFAULT 0,
  changed_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO reference_version DEFAULT VALUES;

CREATE FUNCTION envwatch_bump_reference_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE reference_version SET version = version + 1, changed_at = now();
  RETURN NULL;
END $$;

DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['district', 'area', 'area_alias', 'metric', 'site', 'site_alias'] LOOP
    EXECUTE format(
      'CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I
         FOR EACH STATEMENT EXECUTE FUNCTION envwatch_bump_reference_version()',
      t || '_bump_reference_version', t);
  END LOOP;
END $$;
