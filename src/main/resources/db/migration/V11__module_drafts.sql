-- A trainer's open draft of a module: a copy of a published version's files (or none, for a new module) that
-- learners never see until it is published as the next version. One draft per module, shared by its trainers;
-- every save raises its revision, and a save made against an older revision is refused, so that two trainers
-- saving at once never overwrite each other silently.
CREATE TABLE module_drafts (
  module_id    TEXT PRIMARY KEY CHECK (module_id ~ '^[a-z0-9][a-z0-9-]{0,63}$'),   -- a module id, as the validator takes it
  base_version INTEGER,
  folder       TEXT NOT NULL CHECK (folder ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$'),
  revision     INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
  created_by   BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  updated_by   BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- everyone who opened or saved it (with PILLARS_REVIEW, none of them may approve it)
  authors      BIGINT[] NOT NULL DEFAULT '{}',
  -- an approval holds for the revision approved only: any later save needs a new one
  approved_by       BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  approved_revision INTEGER,
  FOREIGN KEY (module_id, base_version) REFERENCES module_versions (module_id, version)
);

CREATE TABLE module_draft_files (
  module_id TEXT NOT NULL REFERENCES module_drafts (module_id) ON DELETE CASCADE,
  -- as in module_files: a relative path, no '.' or '..' or empty step, no backslash, no control character
  path      TEXT NOT NULL CHECK (path <> '' AND path !~ '(^|/)\.{0,2}(/|$)' AND path !~ '[[:cntrl:]\\]' AND length(path) <= 200),
  bytes     BYTEA NOT NULL,
  PRIMARY KEY (module_id, path)
);
