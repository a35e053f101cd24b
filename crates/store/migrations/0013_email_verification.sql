-- When the user proved the address is theirs by following the link mailed
-- at sign-up (issue 22); NULL until then. Operators see it beside a setup
-- request.
ALTER TABLE app_user ADD COLUMN email_verified_at BIGINT;
