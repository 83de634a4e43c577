-- Who changed what, when, before and after: every change to the tables staff change (organisations, accounts,
-- cohorts and their members and assignments, attempt grants, set-up codes issued, held-attempt decisions, who a
-- module is for and which version is live), written by triggers, so that no code path can forget it.
--
-- Append-only: rows are only ever inserted. UPDATE, DELETE and TRUNCATE are refused by triggers, whatever the role
-- (a superuser included), and the privileges are revoked from the role that ran this migration (the application's,
-- unless a deployment runs migrations as an owner and the server as another role, which is better still).
--
-- The acting account comes from the transaction's setting pillars.actor (Transactions.run(actor, ...)); a change
-- without one was made by the server itself (courses/ at start-up, seeds) and says so (actor NULL).
CREATE TABLE audit_log (
  id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at             TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  actor_id       BIGINT,
  subject        TEXT NOT NULL,
  action         TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  -- the organisation the change concerns, then each one above it: a coordinator sees the rows with theirs in it
  organisations  BIGINT[] NOT NULL DEFAULT '{}',
  before         JSONB,
  after          JSONB
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_organisations_idx ON audit_log USING gin (organisations);

CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;
DO $$ BEGIN EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM %I', current_user); END $$;

-- Only the columns named are kept (an allow-list: a password hash or a code hash never reaches the log, nor any
-- column added later). An update that changes none of them is not a change worth a row (a learner choosing a password).
CREATE FUNCTION audit_columns(r JSONB, keep TEXT[]) RETURNS JSONB LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_object_agg(key, value), '{}') FROM jsonb_each(r) WHERE key = ANY (keep)
$$;

-- TG_ARGV[0]: how the organisation is found ('self', 'organisation_id', 'cohort_id', 'account_id');
-- TG_ARGV[1..]: the columns kept.
CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keep TEXT[] := TG_ARGV[1:];
  old_row JSONB := CASE WHEN TG_OP <> 'INSERT' THEN audit_columns(to_jsonb(OLD), keep) END;
  new_row JSONB := CASE WHEN TG_OP <> 'DELETE' THEN audit_columns(to_jsonb(NEW), keep) END;
  r JSONB := coalesce(to_jsonb(NEW), to_jsonb(OLD));
  org BIGINT;
BEGIN
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;
  -- rows that go with a deleted cohort or account (ON DELETE CASCADE) are told by that deletion's own row
  IF pg_trigger_depth() > 1 AND TG_OP = 'DELETE' THEN
    RETURN NULL;
  END IF;
  org := CASE TG_ARGV[0]
    WHEN 'self' THEN (r->>'id')::bigint
    WHEN 'organisation_id' THEN (r->>'organisation_id')::bigint
    WHEN 'cohort_id' THEN (SELECT organisation_id FROM cohorts WHERE id = (r->>'cohort_id')::bigint)
    WHEN 'account_id' THEN (SELECT organisation_id FROM accounts WHERE id = (r->>'account_id')::bigint)
  END;
  INSERT INTO audit_log (actor_id, subject, action, organisations, before, after)
  VALUES (nullif(current_setting('pillars.actor', true), '')::bigint, TG_TABLE_NAME, lower(TG_OP),
          CASE WHEN org IS NULL THEN '{}' ELSE organisation_path(org) END, old_row, new_row);
  RETURN NULL;
END $$;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON organisations FOR EACH ROW
  EXECUTE FUNCTION audit_row('self', 'id', 'name', 'country', 'parent_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW
  EXECUTE FUNCTION audit_row('organisation_id', 'id', 'organisation_id', 'username', 'display_name', 'role', 'disabled',
                             'service_number', 'rank', 'unit', 'email');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON cohorts FOR EACH ROW
  EXECUTE FUNCTION audit_row('organisation_id', 'id', 'organisation_id', 'name', 'starts_on', 'deploys_on');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON cohort_members FOR EACH ROW
  EXECUTE FUNCTION audit_row('cohort_id', 'cohort_id', 'account_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON assignments FOR EACH ROW
  EXECUTE FUNCTION audit_row('cohort_id', 'cohort_id', 'module_id', 'due_on');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON attempt_grants FOR EACH ROW
  EXECUTE FUNCTION audit_row('account_id', 'account_id', 'module_id', 'extra', 'reason');
-- a code issued (never the code or its hash); using it is the learner's act, not staff's
CREATE TRIGGER audit AFTER INSERT ON password_setups FOR EACH ROW
  EXECUTE FUNCTION audit_row('account_id', 'account_id', 'expires_at');
-- only a coordinator's decision on a held attempt: the learner's own attempts are their record, not an audit
CREATE TRIGGER audit AFTER UPDATE OF decision ON attempts FOR EACH ROW
  EXECUTE FUNCTION audit_row('account_id', 'id', 'account_id', 'module_id', 'decision');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON module_heads FOR EACH ROW
  EXECUTE FUNCTION audit_row('organisation_id', 'module_id', 'published', 'organisation_id');
