-- LTI 1.3: Pillars as a tool inside a learning platform (a Moodle site). An admin registers each platform for one
-- organisation; everyone who arrives from it gets an account there. These tables belong to the lti feature, but for
-- account_links, which belongs to auth (it says which account a platform's user is).
CREATE TABLE lti_platforms (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  issuer           TEXT NOT NULL CHECK (issuer ~ '^https?://[^\s]+$' AND length(issuer) <= 500),
  client_id        TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 200),
  name             TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  auth_url         TEXT NOT NULL CHECK (auth_url ~ '^https?://[^\s]+$' AND length(auth_url) <= 1000),
  token_url        TEXT NOT NULL CHECK (token_url ~ '^https?://[^\s]+$' AND length(token_url) <= 1000),
  jwks_url         TEXT NOT NULL CHECK (jwks_url ~ '^https?://[^\s]+$' AND length(jwks_url) <= 1000),
  organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
  -- what a platform's Instructor becomes here; a platform never makes an admin
  instructor_role  TEXT NOT NULL DEFAULT 'trainer' CHECK (instructor_role IN ('trainer', 'coordinator')),
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (issuer, client_id)
);

CREATE TABLE lti_deployments (
  platform_id    BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  deployment_id  TEXT NOT NULL CHECK (length(deployment_id) BETWEEN 1 AND 255),
  PRIMARY KEY (platform_id, deployment_id)
);

-- A login begun (OIDC third-party-initiated login): the state sent to the platform, used once, within minutes.
CREATE TABLE lti_states (
  state        TEXT PRIMARY KEY,
  nonce        TEXT NOT NULL UNIQUE,
  platform_id  BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  expires_at   TIMESTAMPTZ NOT NULL
);

-- Every nonce an accepted id_token carried, kept past the token's expiry so that it is never accepted twice.
CREATE TABLE lti_nonces (
  platform_id  BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  nonce        TEXT NOT NULL,
  expires_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (platform_id, nonce)
);

-- auth's: a platform's user (its subject) is one account here.
CREATE TABLE account_links (
  platform_id  BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  subject      TEXT NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  account_id   BIGINT NOT NULL UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (platform_id, subject)
);

-- A platform's resource link (an activity in a Moodle course) opens one module, and may carry a gradebook column.
CREATE TABLE lti_links (
  platform_id       BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  resource_link_id  TEXT NOT NULL CHECK (length(resource_link_id) BETWEEN 1 AND 255),
  deployment_id     TEXT NOT NULL,
  module_id         TEXT NOT NULL,
  context_id        TEXT,
  lineitem_url      TEXT CHECK (lineitem_url ~ '^https?://[^\s]+$'),
  PRIMARY KEY (platform_id, resource_link_id)
);

-- Who launched which link: their grade goes to that link's line item.
CREATE TABLE lti_link_members (
  platform_id       BIGINT NOT NULL,
  resource_link_id  TEXT NOT NULL,
  account_id        BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (platform_id, resource_link_id, account_id),
  FOREIGN KEY (platform_id, resource_link_id) REFERENCES lti_links (platform_id, resource_link_id) ON DELETE CASCADE
);
CREATE INDEX lti_link_members_account_idx ON lti_link_members (account_id);

-- A platform's course (context) and where its roster can be read (Names and Role Provisioning Services).
CREATE TABLE lti_contexts (
  id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  platform_id      BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  context_id       TEXT NOT NULL CHECK (length(context_id) BETWEEN 1 AND 255),
  title            TEXT,
  memberships_url  TEXT CHECK (memberships_url ~ '^https?://[^\s]+$'),
  UNIQUE (platform_id, context_id)
);

-- An instructor's Deep Linking request, between the launch and the module they pick; used once.
CREATE TABLE lti_deep_links (
  id             UUID PRIMARY KEY,
  platform_id    BIGINT NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
  deployment_id  TEXT NOT NULL,
  account_id     BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  return_url     TEXT NOT NULL CHECK (return_url ~ '^https?://[^\s]+$'),
  data           TEXT,
  expires_at     TIMESTAMPTZ NOT NULL
);

-- An admin's one-time link for LTI Dynamic Registration: whoever opens it from a platform registers that platform for
-- the organisation named here. Only a hash of its code is kept; used once, within a week.
CREATE TABLE lti_invitations (
  code_hash        BYTEA PRIMARY KEY,
  organisation_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  instructor_role  TEXT NOT NULL CHECK (instructor_role IN ('trainer', 'coordinator')),
  expires_at       TIMESTAMPTZ NOT NULL
);

-- Assignment and Grade Services: a graded attempt (not held; a held one once a coordinator counts it) of a learner
-- who launched a link to its module with a gradebook column goes to that column through the outbox (V23), as the
-- best score so far, once per attempt and link. The platform keeps the latest score it is sent: the best, each time.
CREATE FUNCTION lti_score() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  l RECORD;
  best INTEGER;
  passed BOOLEAN;
BEGIN
  IF NEW.submitted_at IS NOT NULL AND NOT NEW.held AND (TG_OP = 'INSERT' OR OLD.submitted_at IS NULL OR OLD.held) THEN
    FOR l IN SELECT k.platform_id, k.resource_link_id, k.lineitem_url, a.subject
             FROM lti_link_members m
             JOIN lti_links k ON k.platform_id = m.platform_id AND k.resource_link_id = m.resource_link_id
             JOIN account_links a ON a.account_id = m.account_id AND a.platform_id = m.platform_id
             WHERE m.account_id = NEW.account_id AND k.module_id = NEW.module_id AND k.lineitem_url IS NOT NULL LOOP
      SELECT max(t.score), bool_or(t.passed) INTO best, passed FROM attempts t
      WHERE t.account_id = NEW.account_id AND t.module_id = NEW.module_id AND t.submitted_at IS NOT NULL AND NOT t.held;
      PERFORM outbox_enqueue('lti-score', 'score:' || NEW.id || ':' || l.platform_id || ':' || l.resource_link_id,
        jsonb_build_object('platform', l.platform_id, 'lineitem', l.lineitem_url, 'user', l.subject, 'score', best,
          'passed', passed, 'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')));
    END LOOP;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER attempts_lti_score AFTER INSERT OR UPDATE OF submitted_at, held ON attempts
  FOR EACH ROW EXECUTE FUNCTION lti_score();
