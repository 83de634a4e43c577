-- Messages to other systems (xAPI statements to a learning record store now, LTI grade passback later), written in
-- the transaction of the record they tell about and delivered afterwards by a worker (org.pillars.outbox), with
-- retries, so that a system down for a day loses nothing.
--
-- A row is pending (neither delivered_at nor rejected_at), delivered, or rejected for good (the receiver refused it:
-- kept, with last_error, for an operator). The same (channel, dedupe_key) is enqueued once: a second time is a no-op.
-- A worker claims due rows by pushing next_attempt_at past a lease (FOR UPDATE SKIP LOCKED, so servers sharing the
-- database never claim the same row): a server that dies mid-delivery leaves its rows to be claimed again.
CREATE TABLE outbox (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel          TEXT NOT NULL CHECK (channel ~ '^[a-z][a-z0-9-]{0,31}$'),
  dedupe_key       TEXT NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 500),
  payload          JSONB NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  delivered_at     TIMESTAMPTZ,
  rejected_at      TIMESTAMPTZ,
  last_error       TEXT CHECK (length(last_error) <= 500),
  UNIQUE (channel, dedupe_key),
  CHECK (delivered_at IS NULL OR rejected_at IS NULL)
);
CREATE INDEX outbox_due_idx ON outbox (channel, next_attempt_at) WHERE delivered_at IS NULL AND rejected_at IS NULL;

-- The channels this deployment delivers (a row while, say, a learning record store is configured): nothing is
-- enqueued for a channel that is not here, so a server without an LRS keeps no statements it would never send.
CREATE TABLE outbox_channels (
  channel     TEXT PRIMARY KEY CHECK (channel ~ '^[a-z][a-z0-9-]{0,31}$'),
  enabled_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Enqueues once per (channel, key), and only for an enabled channel; what triggers call. The notification (sent at
-- commit, once per transaction and channel) wakes the workers at once instead of at their next tick.
CREATE FUNCTION outbox_enqueue(p_channel TEXT, p_key TEXT, p_payload JSONB) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM outbox_channels WHERE channel = p_channel) THEN
    INSERT INTO outbox (channel, dedupe_key, payload) VALUES (p_channel, p_key, p_payload)
    ON CONFLICT (channel, dedupe_key) DO NOTHING;
    PERFORM pg_notify('pillars_outbox', p_channel);
  END IF;
END $$;

-- xAPI: one rule, here, for every way a lesson read or a graded attempt is stored (a page's button, the API, a
-- phone's sync; an attempt submitted in place or sent from a phone already graded). The row names the record, not
-- the statements: org.pillars.xapi builds them from the record, the same way for delivery and for a download.
-- An attempt held (sent from a phone after the attempts were used up, V8) counts for nothing until a coordinator
-- counts it: it is told about then, and never if it is set aside.
CREATE FUNCTION xapi_lesson_read() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM outbox_enqueue('xapi', 'lesson-read:' || NEW.account_id || ':' || NEW.module_id || ':' || NEW.lesson_id,
    jsonb_build_object('kind', 'lesson-read', 'account', NEW.account_id, 'module', NEW.module_id, 'lesson', NEW.lesson_id));
  RETURN NULL;
END $$;
CREATE TRIGGER lesson_reads_xapi AFTER INSERT ON lesson_reads FOR EACH ROW EXECUTE FUNCTION xapi_lesson_read();

CREATE FUNCTION xapi_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.submitted_at IS NOT NULL AND NOT NEW.held AND (TG_OP = 'INSERT' OR OLD.submitted_at IS NULL OR OLD.held) THEN
    PERFORM outbox_enqueue('xapi', 'attempt:' || NEW.id, jsonb_build_object('kind', 'attempt', 'attempt', NEW.id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempts_xapi AFTER INSERT OR UPDATE OF submitted_at, held ON attempts FOR EACH ROW EXECUTE FUNCTION xapi_attempt();

-- A module completed (its certificate earned: module_progress.completed_at set, V4) is told about once per completion;
-- earned again after a revocation (V21), it is a completion of its own.
CREATE FUNCTION xapi_module_completed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.completed_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.completed_at IS DISTINCT FROM NEW.completed_at) THEN
    PERFORM outbox_enqueue('xapi', 'module-completed:' || NEW.account_id || ':' || NEW.module_id || ':'
        || (extract(epoch FROM NEW.completed_at) * 1000)::bigint,
      jsonb_build_object('kind', 'module-completed', 'account', NEW.account_id, 'module', NEW.module_id));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER module_progress_xapi AFTER INSERT OR UPDATE OF completed_at ON module_progress
  FOR EACH ROW EXECUTE FUNCTION xapi_module_completed();
