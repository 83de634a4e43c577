-- A learner's track: what they do in a mission (soldier, police officer, staff officer). A module shows what is
-- written for it first. No row: not said, and then everything shows in the authored order. The learning feature's
-- own table (accounts belong to auth), set by the learner alone.
CREATE TABLE learner_tracks (
  account_id  BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  track       TEXT NOT NULL CHECK (track IN ('military', 'police', 'staff')),
  set_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Each finished play of a branching exercise: the choices taken (choice numbers from the start, "2,1,3") and the
-- ending reached. Never a grade. run_key comes from the ending's page, so a Finish sent twice (a retry on a bad
-- link) is kept once. The path's shape is Exercise.parsePath's too (choices 1 to 9, at most 60 steps): keep both
-- in step.
CREATE TABLE exercise_runs (
  id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  run_key         UUID NOT NULL,
  module_id       TEXT NOT NULL,
  module_version  INTEGER NOT NULL,
  exercise_id     TEXT NOT NULL,
  -- Exercise.shape(): which passages lead where. A path means the same only in an exercise of the same shape.
  shape           TEXT NOT NULL CHECK (shape ~ '^[0-9a-f]{12}$'),
  path            TEXT NOT NULL CHECK (path ~ '^[1-9](,[1-9])*$' AND length(path) <= 120),
  ending          TEXT NOT NULL,
  finished_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (account_id, run_key)
);
CREATE INDEX exercise_runs_learner_idx ON exercise_runs (account_id, module_id, finished_at DESC);
CREATE INDEX exercise_runs_exercise_idx ON exercise_runs (module_id, exercise_id);
