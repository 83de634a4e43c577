-- Revoked certificates and module progress, and earning a certificate again. These statements were first added to
-- V20 after a release had run V20 as it was, so they live here. A database that ran the later V20 already has
-- them (Database.migrate records that V20 under the checksum of the one released first): every statement here
-- leaves such a database as it is.

-- A revoked certificate no longer completes its module: module_progress, from which every report, chart and
-- readiness count reads the one status rule (V5), forgets it; the certificate row keeps what it was and why.
CREATE OR REPLACE FUNCTION module_progress_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE module_progress SET certificate_score = NULL, completed_at = NULL
  WHERE account_id = NEW.account_id AND module_id = NEW.module_id;
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS certificates_progress_revoked ON certificates;
CREATE TRIGGER certificates_progress_revoked AFTER UPDATE OF revoked_at ON certificates FOR EACH ROW
  WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION module_progress_revoked();

-- A revoked certificate can be earned again, by a quiz passed after the revocation (LearningRepository): at most
-- one certificate standing per learner and module, any number revoked.
ALTER TABLE certificates DROP CONSTRAINT IF EXISTS certificates_account_id_module_id_key;
CREATE UNIQUE INDEX IF NOT EXISTS certificates_one_standing ON certificates (account_id, module_id) WHERE revoked_at IS NULL;

-- The two rules this makes, each written once: the certificate of a learner's module that counts is the newest one
-- (standing or revoked), and a pass counts only if it came after the module's last revocation. A set-returning
-- SQL function of one SELECT can be inlined by the planner, as if the query were written out where it is used.
CREATE OR REPLACE FUNCTION newest_certificate(account BIGINT, module TEXT) RETURNS SETOF certificates LANGUAGE sql STABLE AS $$
  SELECT * FROM certificates WHERE account_id = account AND module_id = module ORDER BY issued_at DESC LIMIT 1
$$;
CREATE OR REPLACE FUNCTION passes_count_after(account BIGINT, module TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE AS $$
  SELECT coalesce(max(revoked_at), '-infinity') FROM certificates WHERE account_id = account AND module_id = module
$$;
