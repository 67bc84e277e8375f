-- A fifth role for the monthly task progress (issue 16): `unit`, an account of one responsible unit (a
-- department such as 区水务局, or a street/town government), which sees and reports only the tasks that unit
-- answers for (task_reporting_unit). unit_id is required for it and only for it, like area_id for `area`.
ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check
  CHECK (role IN ('admin', 'bureau', 'area', 'readonly', 'unit'));
ALTER TABLE app_user ADD COLUMN unit_id text REFERENCES unit(id);
ALTER TABLE app_user ADD CONSTRAINT app_user_unit_check CHECK ((role = 'unit') = (unit_id IS NOT NULL));
