-- Staff (issue 20): a business has one owner and any number of staff, so
-- `app_user.tenant_id` stops being unique (one OWNER per tenant is kept by
-- a partial index) and the role gains STAFF. The SQLite file rebuilds the
-- table to the same effect.
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_tenant_id_key;
ALTER TABLE app_user DROP CONSTRAINT IF EXISTS app_user_role_check;
ALTER TABLE app_user ADD CONSTRAINT app_user_role_check
    CHECK (role IN ('ADMIN','OWNER','STAFF'));
CREATE UNIQUE INDEX app_user_one_owner ON app_user (tenant_id) WHERE role = 'OWNER';
CREATE INDEX app_user_tenant_idx ON app_user (tenant_id, created_at);
