-- A new report version is written as: allocate its id, point the previous version at it (superseded_by),
-- insert it. The partial unique index report_current_idx allows one current row per (kind, scope, period)
-- at every moment of the transaction, so the old row must be marked first — which needs the foreign key
-- checked at commit, when the successor exists. (0040 was already committed; it is not edited.)
ALTER TABLE report ALTER CONSTRAINT report_superseded_by_fkey DEFERRABLE INITIALLY DEFERRED;
