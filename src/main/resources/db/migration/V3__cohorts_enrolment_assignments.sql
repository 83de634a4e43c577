-- What a coordinator knows of a learner: service number, rank and unit, and an optional email.
ALTER TABLE accounts ADD COLUMN service_number TEXT CHECK (length(service_number) BETWEEN 1 AND 64);
ALTER TABLE accounts ADD COLUMN rank TEXT CHECK (length(rank) <= 64);
ALTER TABLE accounts ADD COLUMN unit TEXT CHECK (length(unit) <= 200);
ALTER TABLE accounts ADD COLUMN email TEXT CHECK (length(email) <= 254);
CREATE UNIQUE INDEX accounts_service_number_idx ON accounts (organisation_id, service_number)
  WHERE service_number IS NOT NULL;

-- A cohort belongs to exactly one organisation; its members are learners of that organisation.
CREATE INDEX cohorts_organisation_idx ON cohorts (organisation_id);

-- Modules a cohort must complete, each by a due date.
CREATE TABLE assignments (
  cohort_id    BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  module_id    TEXT NOT NULL,
  due_on       DATE NOT NULL,
  assigned_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (cohort_id, module_id)
);

-- One-time codes with which a new learner sets their first password. Only a hash of the code is kept.
CREATE TABLE password_setups (
  code_hash   BYTEA PRIMARY KEY,
  account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  expires_at  TIMESTAMPTZ NOT NULL,
  used_at     TIMESTAMPTZ
);
CREATE INDEX password_setups_account_idx ON password_setups (account_id);

-- Report queries read progress per learner and module.
CREATE INDEX lesson_reads_module_idx ON lesson_reads (module_id, account_id);
CREATE INDEX attempts_module_idx ON attempts (module_id, account_id) WHERE submitted_at IS NOT NULL;
CREATE INDEX certificates_module_idx ON certificates (module_id, account_id);
