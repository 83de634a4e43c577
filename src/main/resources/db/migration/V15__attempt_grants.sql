-- Extra attempts at a module's quiz, granted to one learner with a reason (a learner who used every attempt is no
-- longer locked out for good). Kept: who granted how many, when and why.
CREATE TABLE attempt_grants (
  id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id   TEXT NOT NULL,
  extra       INTEGER NOT NULL CHECK (extra BETWEEN 1 AND 10),
  reason      TEXT NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
  granted_by  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  granted_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX attempt_grants_learner_idx ON attempt_grants (account_id, module_id);

-- the quiz's limits, as columns, so that reports need not read the quiz's JSON for each learner
ALTER TABLE module_versions
  ADD COLUMN max_attempts INTEGER GENERATED ALWAYS AS ((quiz->>'maxAttempts')::integer) STORED,
  ADD COLUMN pass_mark    INTEGER GENERATED ALWAYS AS ((quiz->>'passMark')::integer) STORED;

-- The one rule of how many attempts a learner has at a module: the quiz's limit (0: none) and what was granted.
CREATE FUNCTION attempt_limit(account BIGINT, module TEXT, base INTEGER) RETURNS INTEGER LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN base = 0 THEN 0
              ELSE base + coalesce((SELECT sum(extra)::integer FROM attempt_grants WHERE account_id = account AND module_id = module), 0) END
$$;

-- locked out: every attempt used (under a limit) and the quiz not passed
CREATE FUNCTION attempts_locked(attempts INTEGER, attempt_limit INTEGER, best_score INTEGER, pass_mark INTEGER) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(attempt_limit, 0) > 0 AND coalesce(attempts, 0) >= attempt_limit
         AND (best_score IS NULL OR pass_mark IS NULL OR best_score < pass_mark)
$$;

-- assigned_progress (V5) with whether the learner is locked out of the module's quiz, as it is served now
CREATE OR REPLACE VIEW assigned_progress AS
SELECT m.cohort_id, m.account_id, x.module_id, x.due_on,
       coalesce(p.lessons_read, 0) AS lessons_read, coalesce(p.attempts, 0) AS attempts, p.best_score,
       p.certificate_score, p.completed_at,
       progress_status(p.lessons_read, p.attempts, p.certificate_score) AS status,
       p.certificate_score IS NULL AND p.attempts > 0
         AND attempts_locked(p.attempts, attempt_limit(m.account_id, x.module_id, v.max_attempts), p.best_score, v.pass_mark) AS locked
FROM cohort_members m
JOIN assignments x ON x.cohort_id = m.cohort_id
LEFT JOIN module_progress p ON p.account_id = m.account_id AND p.module_id = x.module_id
LEFT JOIN module_heads h ON h.module_id = x.module_id
LEFT JOIN module_versions v ON v.module_id = h.module_id AND v.version = h.published;
