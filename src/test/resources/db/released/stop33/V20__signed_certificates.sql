-- Certificates anyone can verify (issue 15). The issuer's public keys: the private halves stay in the key folder,
-- never in the database; a retired key keeps verifying what it signed before it was retired.
CREATE TABLE issuer_keys (
  kid         TEXT PRIMARY KEY CHECK (kid ~ '^[A-Za-z0-9_-]{1,64}$'),
  public_jwk  JSONB NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  retired_at  TIMESTAMPTZ
);
-- one key signs at a time
CREATE UNIQUE INDEX issuer_keys_one_current ON issuer_keys ((true)) WHERE retired_at IS NULL;

-- Each certificate's credentials, signed once and kept, so that a re-download is the same credential: the Open
-- Badges 3.0 credential (a VC-JWT) and its compact form for the QR code.
ALTER TABLE certificates
  ADD COLUMN credential  TEXT,
  ADD COLUMN qr_token    TEXT,
  ADD COLUMN key_id      TEXT REFERENCES issuer_keys (kid),
  ADD COLUMN revoked_at  TIMESTAMPTZ,
  ADD COLUMN revoked_by  BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
  ADD COLUMN revoked_reason TEXT CHECK (length(revoked_reason) BETWEEN 1 AND 500),
  ADD CONSTRAINT certificates_signed_whole CHECK ((credential IS NULL) = (qr_token IS NULL) AND (credential IS NULL) = (key_id IS NULL)),
  ADD CONSTRAINT certificates_revoked_whole CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL));
CREATE INDEX certificates_revoked_idx ON certificates (revoked_at) WHERE revoked_at IS NOT NULL;

-- A revoked certificate no longer completes its module: module_progress, from which every report, chart and
-- readiness count reads the one status rule (V5), forgets it; the certificate row keeps what it was and why.
CREATE FUNCTION module_progress_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE module_progress SET certificate_score = NULL, completed_at = NULL
  WHERE account_id = NEW.account_id AND module_id = NEW.module_id;
  RETURN NULL;
END $$;
CREATE TRIGGER certificates_progress_revoked AFTER UPDATE OF revoked_at ON certificates FOR EACH ROW
  WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION module_progress_revoked();

-- A revoked certificate can be earned again, by a quiz passed after the revocation (LearningRepository): at most
-- one certificate standing per learner and module, any number revoked.
ALTER TABLE certificates DROP CONSTRAINT certificates_account_id_module_id_key;
CREATE UNIQUE INDEX certificates_one_standing ON certificates (account_id, module_id) WHERE revoked_at IS NULL;

-- The two rules this makes, each written once: the certificate of a learner's module that counts is the newest one
-- (standing or revoked), and a pass counts only if it came after the module's last revocation. A set-returning
-- SQL function of one SELECT can be inlined by the planner, as if the query were written out where it is used.
CREATE FUNCTION newest_certificate(account BIGINT, module TEXT) RETURNS SETOF certificates LANGUAGE sql STABLE AS $$
  SELECT * FROM certificates WHERE account_id = account AND module_id = module ORDER BY issued_at DESC LIMIT 1
$$;
CREATE FUNCTION passes_count_after(account BIGINT, module TEXT) RETURNS TIMESTAMPTZ LANGUAGE sql STABLE AS $$
  SELECT coalesce(max(revoked_at), '-infinity') FROM certificates WHERE account_id = account AND module_id = module
$$;

-- A revocation is a staff change like any other: in the audit log, with who and why.
CREATE TRIGGER audit AFTER UPDATE OF revoked_at ON certificates FOR EACH ROW
  EXECUTE FUNCTION audit_row('account_id', 'code', 'account_id', 'module_id', 'revoked_at', 'revoked_reason');
CREATE TRIGGER audit_keys AFTER INSERT OR UPDATE ON issuer_keys FOR EACH ROW
  EXECUTE FUNCTION audit_row('none', 'kid', 'created_at', 'retired_at');
