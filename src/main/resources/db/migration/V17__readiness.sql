-- The one rule of a person's readiness for deployment, over the modules their cohorts (those not yet deployed) must
-- complete:
--   ready      every one completed (certified);
--   not-ready  some not completed, and behind: the deployment date is reached, a module is overdue, or its quiz is
--              locked out (every attempt used, not passed; a coordinator can grant more);
--   at-risk    some not completed, none of them late yet.
CREATE FUNCTION readiness_status(modules integer, completed integer, locked boolean, overdue boolean, deploys_on date,
                                 today date) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN completed >= modules THEN 'ready'
              WHEN deploys_on <= today OR locked OR overdue THEN 'not-ready'
              ELSE 'at-risk' END
$$;
