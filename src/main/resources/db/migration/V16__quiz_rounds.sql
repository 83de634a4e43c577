-- The rounds of a quiz set the server gave a learner to keep offline (the questions a round asks are drawn from it
-- and a server key, LearningService.seed), and the attempt that answered each: answers sent offline are taken only
-- for a round given out and not yet answered, so a learner cannot pick a draw by naming rounds, nor answer one twice.
CREATE TABLE quiz_rounds (
  account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id   TEXT NOT NULL,
  version     INTEGER NOT NULL,
  round       INTEGER NOT NULL CHECK (round >= 0),
  issued_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  answered_by UUID,
  PRIMARY KEY (account_id, module_id, version, round)
);
