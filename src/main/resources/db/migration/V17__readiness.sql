-- The one rule of a person's readiness for deployment, over the modules their cohorts (those not yet deployed) must
-- complete:
--   ready      every one completed (certified), and at least one assigned;
--   not-ready  some not completed, and behind: the deployment date is reached, a module is overdue, or its quiz is
--              locked out (every attempt used, not passed; a coordinator can grant more);
--   at-risk    some not completed, none of them late yet.
-- A person whose cohorts are assigned nothing is not ready: nothing says they were trained.
CREATE FUNCTION readiness_status(modules integer, completed integer, locked boolean, overdue boolean, deploys_on date,
                                 today date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN modules = 0 THEN 'not-ready'
              WHEN completed >= modules THEN 'ready'
              WHEN deploys_on <= today OR locked OR overdue THEN 'not-ready'
              ELSE 'at-risk' END
$$;
