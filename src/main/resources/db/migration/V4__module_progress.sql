-- One row per learner and module that summarises lesson_reads, attempts and certificates, so a cohort report
-- reads one narrow row per learner-module instead of aggregating every read and attempt on each page load.
-- Kept by statement-level triggers in the same transaction as the write: a failed write leaves no trace here,
-- a bulk insert costs one upsert statement, and concurrent writers add to the row under its lock (no lost update).
CREATE TABLE module_progress (
  account_id        BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  module_id         TEXT NOT NULL,
  lessons_read      INTEGER NOT NULL DEFAULT 0,
  attempts          INTEGER NOT NULL DEFAULT 0,
  best_score        INTEGER,
  certificate_score INTEGER,
  completed_at      TIMESTAMPTZ,
  PRIMARY KEY (account_id, module_id)
);

CREATE FUNCTION module_progress_reads_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, lessons_read)
  SELECT account_id, module_id, count(*) FROM added GROUP BY account_id, module_id ORDER BY account_id, module_id
  ON CONFLICT (account_id, module_id) DO UPDATE SET lessons_read = p.lessons_read + excluded.lessons_read;
  RETURN NULL;
END $$;

CREATE FUNCTION module_progress_reads_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE module_progress p SET lessons_read = greatest(p.lessons_read - r.n, 0)
  FROM (SELECT account_id, module_id, count(*) AS n FROM removed GROUP BY account_id, module_id) r
  WHERE p.account_id = r.account_id AND p.module_id = r.module_id;
  RETURN NULL;
END $$;

-- Submitted attempts arrive either as an update of an open attempt or (in bulk loads) already submitted.
CREATE FUNCTION module_progress_attempts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, attempts, best_score)
  SELECT account_id, module_id, count(*), max(score) FROM added WHERE submitted_at IS NOT NULL
  GROUP BY account_id, module_id ORDER BY account_id, module_id
  ON CONFLICT (account_id, module_id) DO UPDATE
    SET attempts = p.attempts + excluded.attempts, best_score = greatest(p.best_score, excluded.best_score);
  RETURN NULL;
END $$;

CREATE FUNCTION module_progress_attempts_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, attempts, best_score)
  SELECT n.account_id, n.module_id, count(*), max(n.score) FROM after_update n JOIN before_update o ON o.id = n.id
  WHERE o.submitted_at IS NULL AND n.submitted_at IS NOT NULL
  GROUP BY n.account_id, n.module_id ORDER BY n.account_id, n.module_id
  ON CONFLICT (account_id, module_id) DO UPDATE
    SET attempts = p.attempts + excluded.attempts, best_score = greatest(p.best_score, excluded.best_score);
  RETURN NULL;
END $$;

CREATE FUNCTION module_progress_certified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO module_progress AS p (account_id, module_id, certificate_score, completed_at)
  SELECT account_id, module_id, score, issued_at FROM added ORDER BY account_id, module_id
  ON CONFLICT (account_id, module_id) DO UPDATE
    SET certificate_score = excluded.certificate_score, completed_at = excluded.completed_at;
  RETURN NULL;
END $$;

CREATE TRIGGER lesson_reads_progress_insert AFTER INSERT ON lesson_reads
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION module_progress_reads_added();
CREATE TRIGGER lesson_reads_progress_delete AFTER DELETE ON lesson_reads
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION module_progress_reads_removed();
CREATE TRIGGER attempts_progress_insert AFTER INSERT ON attempts
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION module_progress_attempts_inserted();
CREATE TRIGGER attempts_progress_update AFTER UPDATE ON attempts
  REFERENCING OLD TABLE AS before_update NEW TABLE AS after_update FOR EACH STATEMENT
  EXECUTE FUNCTION module_progress_attempts_submitted();
CREATE TRIGGER certificates_progress_insert AFTER INSERT ON certificates
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION module_progress_certified();

-- What is already there.
INSERT INTO module_progress (account_id, module_id, lessons_read, attempts, best_score, certificate_score, completed_at)
SELECT k.account_id, k.module_id, coalesce(r.n, 0), coalesce(t.n, 0), t.best, c.score, c.issued_at
FROM (SELECT account_id, module_id FROM lesson_reads
      UNION SELECT account_id, module_id FROM attempts WHERE submitted_at IS NOT NULL
      UNION SELECT account_id, module_id FROM certificates) k
LEFT JOIN (SELECT account_id, module_id, count(*) AS n FROM lesson_reads GROUP BY 1, 2) r USING (account_id, module_id)
LEFT JOIN (SELECT account_id, module_id, count(*) AS n, max(score) AS best FROM attempts WHERE submitted_at IS NOT NULL
           GROUP BY 1, 2) t USING (account_id, module_id)
LEFT JOIN certificates c USING (account_id, module_id);

