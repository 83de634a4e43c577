-- Organisations are troop- or police-contributing countries and their units (a unit names its parent).
CREATE TABLE organisations (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  parent_id   BIGINT REFERENCES organisations (id),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  country     TEXT NOT NULL CHECK (length(country) BETWEEN 1 AND 100),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (name)
);

CREATE TABLE accounts (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
  username         TEXT NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
  display_name     TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role             TEXT NOT NULL CHECK (role IN ('learner', 'trainer', 'coordinator', 'admin')),
  password_hash    TEXT,
  disabled         BOOLEAN NOT NULL DEFAULT false,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (username)
);
CREATE INDEX accounts_organisation_idx ON accounts (organisation_id);

-- A cohort is one group prepared together, e.g. a battalion's rotation.
CREATE TABLE cohorts (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
  name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  starts_on        DATE NOT NULL,
  deploys_on       DATE NOT NULL CHECK (deploys_on >= starts_on),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (organisation_id, name)
);

CREATE TABLE cohort_members (
  cohort_id   BIGINT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
  account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (cohort_id, account_id)
);
CREATE INDEX cohort_members_account_idx ON cohort_members (account_id);
