-- Modules are versions kept here, not files read at each start: the quiz versions kept since V8 grow into whole
-- module versions. A version is immutable once it holds its module: its source files, the module rendered as served
-- (titles, overview and lessons as safe HTML; the quiz and its key in 'quiz'), a digest of the files, and who
-- published it, when and from where. Rows from V8 (a quiz as it was served, no module) stay as the record that
-- grades late answers to those versions.
ALTER TABLE quiz_versions RENAME TO module_versions;
ALTER TABLE module_versions RENAME COLUMN first_served_at TO created_at;
ALTER TABLE module_versions
  ALTER COLUMN quiz DROP NOT NULL,
  ADD COLUMN module       JSONB,
  ADD COLUMN digest       TEXT CHECK (digest ~ '^[0-9a-f]{64}$'),
  ADD COLUMN origin       TEXT CHECK (origin IN ('courses', 'workspace')),
  ADD COLUMN folder       TEXT,
  ADD COLUMN published_by BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  ADD CHECK ((module IS NULL) = (digest IS NULL) AND (module IS NULL) = (origin IS NULL)),
  ADD CHECK (version >= 1);

-- The source files of a version, byte for byte, so it can be exported, compared and served (images) as published.
CREATE TABLE module_files (
  module_id TEXT NOT NULL,
  version   INTEGER NOT NULL,
  -- a relative path inside the module: no '.' or '..' step, no empty step, no backslash, no control character
  path      TEXT NOT NULL CHECK (path <> '' AND path !~ '(^|/)\.{0,2}(/|$)' AND path !~ '[[:cntrl:]\\]'),
  bytes     BYTEA NOT NULL,
  PRIMARY KEY (module_id, version, path),
  FOREIGN KEY (module_id, version) REFERENCES module_versions (module_id, version) ON DELETE CASCADE
);

-- What learners are served: one published version per module, and the folder of courses/ it came from, if any
-- (its place in the catalogue), with the digest of that folder's files when they were last read in: a folder is read
-- in again only once it differs from that, so a version published from the workspace stays until the folder changes.
CREATE TABLE module_heads (
  module_id     TEXT PRIMARY KEY,
  published     INTEGER NOT NULL,
  folder        TEXT UNIQUE,
  folder_digest TEXT CHECK (folder_digest ~ '^[0-9a-f]{64}$'),
  published_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  FOREIGN KEY (module_id, published) REFERENCES module_versions (module_id, version)
);

-- a head points at a whole version, never at a quiz-only row of V8
CREATE FUNCTION module_heads_whole_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM module_versions WHERE module_id = NEW.module_id AND version = NEW.published AND module IS NOT NULL) THEN
    RAISE EXCEPTION 'module % version % has no module to serve', NEW.module_id, NEW.published;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER module_heads_whole_version BEFORE INSERT OR UPDATE ON module_heads
  FOR EACH ROW EXECUTE FUNCTION module_heads_whole_version();

-- a version that holds its module never changes
CREATE FUNCTION module_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.module IS NOT NULL THEN
    RAISE EXCEPTION 'module % version % is published and cannot change', OLD.module_id, OLD.version;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER module_versions_immutable BEFORE UPDATE ON module_versions
  FOR EACH ROW EXECUTE FUNCTION module_versions_immutable();
