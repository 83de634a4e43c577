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

-- A revocation is a staff change like any other: in the audit log, with who and why.
CREATE TRIGGER audit AFTER UPDATE OF revoked_at ON certificates FOR EACH ROW
  EXECUTE FUNCTION audit_row('account_id', 'code', 'account_id', 'module_id', 'revoked_at', 'revoked_reason');
CREATE TRIGGER audit_keys AFTER INSERT OR UPDATE ON issuer_keys FOR EACH ROW
  EXECUTE FUNCTION audit_row('none', 'kid', 'created_at', 'retired_at');
