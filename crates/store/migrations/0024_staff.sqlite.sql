-- Staff (issue 20): a business has one owner and any number of staff, so
-- `app_user.tenant_id` stops being unique (one OWNER per tenant is kept by
-- a partial index) and the role gains STAFF.
--
-- SQLite cannot change a column's constraints in place: the table is
-- rebuilt (its documented twelve steps). Dropping the old table with
-- foreign keys on would cascade to every session, token and subscription,
-- so this file runs outside the migrator's transaction, turns them off and
-- opens its own. Run again after a crash before sqlx recorded it, it
-- rebuilds the already-rebuilt table the same way.
PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE IF EXISTS app_user_new;
CREATE TABLE app_user_new (
    id                 TEXT PRIMARY KEY,
    tenant_id          TEXT REFERENCES tenant (id) ON DELETE SET NULL,
    name               TEXT NOT NULL,
    -- stored lower-cased, so the unique key is case-insensitive
    email              TEXT NOT NULL UNIQUE,
    phone              TEXT,
    role               TEXT NOT NULL CHECK (role IN ('ADMIN','OWNER','STAFF')),
    password_hash      TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    email_verified_at  BIGINT,
    language           TEXT
);
INSERT INTO app_user_new (id, tenant_id, name, email, phone, role, password_hash,
                          created_at, updated_at, email_verified_at, language)
    SELECT id, tenant_id, name, email, phone, role, password_hash,
           created_at, updated_at, email_verified_at, language
    FROM app_user;
DROP TABLE app_user;
ALTER TABLE app_user_new RENAME TO app_user;
CREATE UNIQUE INDEX app_user_one_owner ON app_user (tenant_id) WHERE role = 'OWNER';
CREATE INDEX app_user_tenant_idx ON app_user (tenant_id, created_at);
COMMIT;
PRAGMA foreign_keys = ON;
