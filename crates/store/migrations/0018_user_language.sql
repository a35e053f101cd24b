-- The language a person chose for the pages (EN, ES, PT); NULL until they
-- choose, when the pages follow their business's language or the browser.
ALTER TABLE app_user ADD COLUMN language TEXT;
