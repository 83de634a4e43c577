-- The one rule for where a learner stands in a module: every report, filter, drill-down, readiness summary,
-- export and the learner's own home page read these, and no Java code decides it again.
-- Plain SQL functions, immutable, so that the planner inlines them into each query that uses them.

-- completed once certified; in progress once a lesson is read or an attempt submitted; not started otherwise
CREATE FUNCTION progress_status(lessons_read integer, attempts integer, certificate_score integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN certificate_score IS NOT NULL THEN 'completed'
              WHEN coalesce(lessons_read, 0) > 0 OR coalesce(attempts, 0) > 0 THEN 'in-progress'
              ELSE 'not-started' END
$$;

-- overdue: not certified, and the due date has passed (a module due today is not yet late)
CREATE FUNCTION progress_overdue(certificate_score integer, due_on date, today date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT certificate_score IS NULL AND due_on < today
$$;

-- Every cohort member against every module assigned to the cohort, with the progress kept in module_progress.
CREATE VIEW assigned_progress AS
SELECT m.cohort_id, m.account_id, x.module_id, x.due_on,
       coalesce(p.lessons_read, 0) AS lessons_read, coalesce(p.attempts, 0) AS attempts, p.best_score,
       p.certificate_score, p.completed_at,
       progress_status(p.lessons_read, p.attempts, p.certificate_score) AS status
FROM cohort_members m
JOIN assignments x ON x.cohort_id = m.cohort_id
LEFT JOIN module_progress p ON p.account_id = m.account_id AND p.module_id = x.module_id;
