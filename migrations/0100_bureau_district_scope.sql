-- Issue 17 item 8: a bureau account is scoped to its district(s). district_ids lists the districts a bureau
-- reads and acts on; empty means every district (the city-level bureau, and every bureau account created before
-- this migration keeps the access it had). Only bureau accounts have a scope: an area account's district follows
-- from its area, and admin / readonly read everything. The ids are checked against `district` when an account
-- is added or changed (an array cannot carry a foreign key).
ALTER TABLE app_user ADD COLUMN district_ids text[] NOT NULL DEFAULT '{}';
ALTER TABLE app_user ADD CONSTRAINT app_user_district_scope_check
  CHECK (role = 'bureau' OR cardinality(district_ids) = 0);
