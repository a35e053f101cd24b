-- How long a business keeps the photos and files of its conversations
-- (issue 20): NULL keeps them; N deletes those stored more than N days
-- ago (the menu's and quick replies' own files stay).
ALTER TABLE tenant_config ADD COLUMN media_retention_days BIGINT;
CREATE INDEX media_file_created_idx ON media_file (tenant_id, created_at);
