-- The language an attempt was answered in (the page's), so that item analysis can tell a question that is hard in
-- one language from one that is hard in both. Attempts from before stay without one.
ALTER TABLE attempts ADD COLUMN lang TEXT CHECK (lang ~ '^[a-z]{2}$');
CREATE INDEX attempts_module_version_idx ON attempts (module_id, module_version) WHERE submitted_at IS NOT NULL;
