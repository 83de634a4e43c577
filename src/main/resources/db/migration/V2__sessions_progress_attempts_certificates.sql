-- Raised whenever an account's role changes or it is disabled: tokens carry the version they were issued at.
ALTER TABLE accounts ADD COLUMN token_version INTEGER NOT NULL DEFAULT 1;

-- One row per login. Logging out revokes it; every authenticated request checks it.
CREATE TABLE sessions (
  id          UUID PRIMARY KEY,
  account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at  TIMESTAMPTZ NOT NULL,
  revoked_at  TIMESTAMPTZ
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Failed logins per account ('account:name') and per address ('address:ip'), to slow guessing down.
CREATE TABLE login_failures (
  key           TEXT PRIMARY KEY,
  failures      INTEGER NOT NULL,
  last_failure  TIMESTAMPTZ NOT NULL
);

-- Lessons read, keyed on the stable module and lesson ids of the Markdown, so edits keep progress.
CREATE TABLE lesson_reads (
  account_id    BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id     TEXT NOT NULL,
  lesson_id     TEXT NOT NULL,
  first_read_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_read_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, module_id, lesson_id)
);

-- A quiz attempt: the answers, the score and the module version it was taken against.
CREATE TABLE attempts (
  id              UUID PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id       TEXT NOT NULL,
  module_version  INTEGER NOT NULL,
  started_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  submitted_at    TIMESTAMPTZ,
  answers         JSONB,
  score           INTEGER CHECK (score BETWEEN 0 AND 100),
  passed          BOOLEAN,
  result          JSONB,
  CHECK ((submitted_at IS NULL) = (score IS NULL))
);
CREATE INDEX attempts_account_module_idx ON attempts (account_id, module_id);
-- At most one open (unsubmitted) attempt per learner and module.
CREATE UNIQUE INDEX attempts_one_open_idx ON attempts (account_id, module_id) WHERE submitted_at IS NULL;

-- One certificate per learner and module, found by its public verification code.
CREATE TABLE certificates (
  code            TEXT PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id       TEXT NOT NULL,
  module_title    TEXT NOT NULL,
  module_version  INTEGER NOT NULL,
  score           INTEGER NOT NULL,
  issued_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, module_id)
);
