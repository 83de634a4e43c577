-- A learner's track: what they do in a mission (soldier, police officer, staff officer). A module shows what is
-- written for it first. NULL: not said yet, and then everything shows in the authored order.
ALTER TABLE accounts ADD COLUMN track TEXT CHECK (track IN ('military', 'police', 'staff'));

-- Each finished play of a branching exercise: the choices taken (choice numbers from the start, "2,1,3") and the
-- ending reached. Never a grade. run_key comes from the ending's page, so a Finish sent twice (a retry on a bad
-- link) is kept once.
CREATE TABLE exercise_runs (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  run_key         UUID NOT NULL,
  module_id       TEXT NOT NULL,
  module_version  INTEGER NOT NULL,
  exercise_id     TEXT NOT NULL,
  path            TEXT NOT NULL CHECK (path ~ '^[1-9](,[1-9])*$' AND length(path) <= 120),
  ending          TEXT NOT NULL,
  finished_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, run_key)
);
CREATE INDEX exercise_runs_learner_idx ON exercise_runs (account_id, module_id, finished_at DESC);
CREATE INDEX exercise_runs_exercise_idx ON exercise_runs (module_id, exercise_id);
