-- Imports of the bureau's monthly 台账 (the XLSX each unit fills in, issue 16): one row per uploaded file with
-- its counts, and every row the import refused, kept with its reason like refused measurement rows
-- (refused_row) so nothing a unit sent is silently lost. Owner of the writes: services/tasks/.
CREATE TABLE task_import (
  id             bigserial PRIMARY KEY,
  file_name      text NOT NULL,
  imported_by    text NOT NULL,
  imported_by_id bigint,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  received       integer NOT NULL DEFAULT 0,   -- data rows with something in them
  accepted       integer NOT NULL DEFAULT 0,   -- stored as a new or changed report
  unchanged      integer NOT NULL DEFAULT 0,   -- the same status and note as already stored for that month
  skipped        integer NOT NULL DEFAULT 0,   -- no status given: not reported
  refused        integer NOT NULL DEFAULT 0
);

CREATE TABLE task_import_refused (
  id            bigserial PRIMARY KEY,
  import_id     bigint NOT NULL REFERENCES task_import(id),
  row_number    integer NOT NULL,             -- the sheet row (header = 1)
  raw           jsonb NOT NULL,               -- the row as received, by column header
  reason_code   text NOT NULL,                -- UNKNOWN_TASK, NOT_RESPONSIBLE, NOT_YOUR_UNIT, INVALID_VALUE
  reason_detail text NOT NULL,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'discarded'))
);
CREATE INDEX task_import_refused_import_idx ON task_import_refused (import_id);
