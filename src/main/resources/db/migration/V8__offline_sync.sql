-- Every quiz version learners were served (its texts and key as served), so an answer sent from a phone days later
-- is graded against the quiz it answered, whatever the courses folder holds by then. A quiz edited without a new
-- version number replaces its row: the version is the unit a learner answers.
CREATE TABLE quiz_versions (
  module_id       TEXT NOT NULL,
  version         INTEGER NOT NULL,
  quiz            JSONB NOT NULL,
  first_served_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (module_id, version)
);

-- An attempt sent from a device's outbox: the key the device made for it (sent again on every retry, so a retry
-- finds the attempt instead of adding one) and when it was answered there. An attempt that arrived after the
-- learner's attempts were used up elsewhere is kept but held: it does not count until a coordinator decides.
ALTER TABLE attempts
  ADD COLUMN client_key UUID UNIQUE,
  ADD COLUMN answered_at TIMESTAMPTZ,
  ADD COLUMN held BOOLEAN NOT NULL DEFAULT false,
  ADD CHECK (NOT held OR submitted_at IS NOT NULL);

-- module_progress counts only attempts that count: a held attempt is added when it stops being held.
CREATE OR REPLACE FUNCTION module_progress_attempts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, attempts, best_score)
  SELECT account_id, module_id, count(*), max(score) FROM added WHERE submitted_at IS NOT NULL AND NOT held
  GROUP BY account_id, module_id ORDER BY account_id, module_id
  ON CONFLICT (account_id, module_id) DO UPDATE
    SET attempts = p.attempts + excluded.attempts, best_score = greatest(p.best_score, excluded.best_score);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION module_progress_attempts_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, attempts, best_score)
  SELECT n.account_id, n.module_id, count(*), max(n.score) FROM after_update n JOIN before_update o ON o.id = n.id
  WHERE (o.submitted_at IS NULL OR o.held) AND n.submitted_at IS NOT NULL AND NOT n.held
  GROUP BY n.account_id, n.module_id ORDER BY n.account_id, n.module_id
  ON CONFLICT (account_id, module_id) DO UPDATE
    SET attempts = p.attempts + excluded.attempts, best_score = greatest(p.best_score, excluded.best_score);
  RETURN NULL;
END $$;
