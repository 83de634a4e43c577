-- An admin keeps a platform's registration up to date (its name, addresses, deployments, what its instructors become)
-- and can switch it off: a platform switched off starts no login, launch, Deep Linking or roster import, and no
-- longer frames our pages; its links, accounts and grades already owed stay.
ALTER TABLE lti_platforms ADD COLUMN enabled BOOLEAN NOT NULL DEFAULT true;

-- Who may sign people in here is a staff change like any other: in the audit log, seen by admins only (the site's
-- configuration, not an organisation's). Registered by Dynamic Registration, the row has no actor.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON lti_platforms FOR EACH ROW
  EXECUTE FUNCTION audit_row('none', 'id', 'issuer', 'client_id', 'name', 'auth_url', 'token_url', 'jwks_url',
                             'organisation_id', 'instructor_role', 'enabled');
CREATE TRIGGER audit AFTER INSERT OR DELETE ON lti_deployments FOR EACH ROW
  EXECUTE FUNCTION audit_row('none', 'platform_id', 'deployment_id');
