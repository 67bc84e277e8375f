-- Every state-changing action (acknowledging an alert, re-processing a refused row, pushing measurements,
-- creating a user or token, logging in) is written here with who, when, what, and the before/after state,
-- in the same transaction as the change itself.
--
-- Append-only: the application owns this table, so REVOKE UPDATE/DELETE would not bind it. Triggers refuse
-- UPDATE, DELETE and TRUNCATE for every role short of one that disables triggers (a superuser, on purpose).

CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint,                    -- app_user.id; no foreign key, the log outlives the users it names
  actor       text NOT NULL,             -- username at the time, or 'system' / 'cli:<os user>'
  via         text NOT NULL CHECK (via IN ('session', 'token', 'cli', 'system')),
  action      text NOT NULL,             -- verb-first, e.g. alert.acknowledge, user.create, session.login
  entity_type text NOT NULL,             -- alert, refused_row, app_user, api_token, ingest_batch, ...
  entity_id   text,
  before      jsonb,
  after       jsonb,
  ip          text,
  request_id  text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at DESC);

CREATE FUNCTION envwatch_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION envwatch_audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION envwatch_audit_log_append_only();
