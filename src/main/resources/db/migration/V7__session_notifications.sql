-- Servers keep the sessions they have checked in memory, for as long as they hear every change to them: each
-- change to a session or an account is announced on the channel 'pillars_sessions' when its transaction
-- commits ('session:<uuid>', 'account:<id>', or 'all' when a table is emptied), and a server drops what it
-- knew about it. See auth.SessionCache.
CREATE FUNCTION announce_session_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('pillars_sessions', 'all');
  ELSIF TG_TABLE_NAME = 'sessions' THEN
    PERFORM pg_notify('pillars_sessions', 'session:' || OLD.id::text);
  ELSE
    PERFORM pg_notify('pillars_sessions', 'account:' || OLD.id::text);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER sessions_announced AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER accounts_announced AFTER UPDATE OR DELETE ON accounts
  FOR EACH ROW EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER sessions_emptied AFTER TRUNCATE ON sessions
  FOR EACH STATEMENT EXECUTE FUNCTION announce_session_change();
CREATE TRIGGER accounts_emptied AFTER TRUNCATE ON accounts
  FOR EACH STATEMENT EXECUTE FUNCTION announce_session_change();
