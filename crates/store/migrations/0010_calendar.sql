-- A tenant's closures (holidays, vacations) and special hours on single
-- dates, beside its weekly hours: JSON lists in the shapes of docs/api.md,
-- checked by the domain before they are stored.
ALTER TABLE tenant_config ADD COLUMN closures_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tenant_config ADD COLUMN special_hours_json TEXT NOT NULL DEFAULT '[]';
