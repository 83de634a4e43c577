-- Reports read whether a learner is locked out for every learner and module: the attempts granted are kept in
-- module_progress (by a trigger on attempt_grants, in the same transaction), so that no report looks them up row
-- by row. The rule itself stays in one place: attempt_limit_of.
ALTER TABLE module_progress ADD COLUMN extra_attempts INTEGER NOT NULL DEFAULT 0;
UPDATE module_progress p SET extra_attempts = g.extra
FROM (SELECT account_id, module_id, sum(extra)::integer AS extra FROM attempt_grants GROUP BY 1, 2) g
WHERE p.account_id = g.account_id AND p.module_id = g.module_id;

CREATE FUNCTION module_progress_grants_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, extra_attempts)
  SELECT account_id, module_id, sum(extra)::integer FROM added GROUP BY account_id, module_id ORDER BY account_id, module_id
  ON CONFLICT (account_id, module_id) DO UPDATE SET extra_attempts = p.extra_attempts + excluded.extra_attempts;
  RETURN NULL;
END $$;
CREATE TRIGGER module_progress_grants_added AFTER INSERT ON attempt_grants
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION module_progress_grants_added();

-- how many attempts there are: the quiz's (0: no limit) and those granted
CREATE FUNCTION attempt_limit_of(base integer, extra integer) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN base = 0 THEN 0 ELSE base + coalesce(extra, 0) END
$$;
CREATE OR REPLACE FUNCTION attempt_limit(account BIGINT, module TEXT, base INTEGER) RETURNS INTEGER LANGUAGE sql STABLE AS $$
  SELECT attempt_limit_of(base, (SELECT extra_attempts FROM module_progress WHERE account_id = account AND module_id = module))
$$;

CREATE OR REPLACE VIEW assigned_progress AS
SELECT m.cohort_id, m.account_id, x.module_id, x.due_on,
       coalesce(p.lessons_read, 0) AS lessons_read, coalesce(p.attempts, 0) AS attempts, p.best_score,
       p.certificate_score, p.completed_at,
       progress_status(p.lessons_read, p.attempts, p.certificate_score) AS status,
       p.certificate_score IS NULL AND p.attempts > 0
         AND attempts_locked(p.attempts, attempt_limit_of(v.max_attempts, p.extra_attempts), p.best_score, v.pass_mark) AS locked
FROM cohort_members m
JOIN assignments x ON x.cohort_id = m.cohort_id
LEFT JOIN module_progress p ON p.account_id = m.account_id AND p.module_id = x.module_id
LEFT JOIN module_heads h ON h.module_id = x.module_id
LEFT JOIN module_versions v ON v.module_id = h.module_id AND v.version = h.published;
