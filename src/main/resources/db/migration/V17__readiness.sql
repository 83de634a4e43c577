-- The one rule of a person's readiness for deployment, over the modules their cohorts must complete:
--   ready      every one completed (certified);
--   not-ready  some not completed, and it can no longer be done in time: the deployment date is reached, a module is
--              overdue, or its quiz is locked out (every attempt used, not passed);
--   at-risk    some not completed, with time left for all of them.
CREATE FUNCTION readiness_status(modules integer, completed integer, locked boolean, overdue boolean, deploys_on date,
                                 today date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN completed >= modules THEN 'ready'
              WHEN deploys_on <= today OR locked OR overdue THEN 'not-ready'
              ELSE 'at-risk' END
$$;
