-- The raw-data retention in force, recorded where every process can read it. Ingest refuses a measurement
-- older than this window (reason BEYOND_RETENTION): its partition or chunk has been, or is about to be,
-- dropped, and recomputing the rollups of its day from that one late row would overwrite the daily and
-- monthly means kept from the full data with an invalid one. Written by applyStoragePolicies (migrate,
-- start and the daily maintenance job) from RAW_RETENTION_DAYS; 0 keeps raw data for ever.
ALTER TABLE envwatch_storage ADD COLUMN raw_retention_days integer NOT NULL DEFAULT 0
  CHECK (raw_retention_days >= 0);
