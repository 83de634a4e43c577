-- Who a module is for: every organisation (NULL), or one organisation and the units below it (a national training
-- centre's own module). The scope belongs to the module, not to a version: publishing a new version or reading a
-- folder of courses/ in again keeps it; only an admin changes it.
ALTER TABLE module_heads ADD COLUMN organisation_id BIGINT REFERENCES organisations (id);
-- the scope a new module's first version will be published with (a module already published keeps its own)
ALTER TABLE module_drafts ADD COLUMN organisation_id BIGINT REFERENCES organisations (id);

-- An organisation and every organisation above it, nearest first: a module for any of them is a module for it.
-- Bounded, so that a cycle made by hand in the table cannot loop.
CREATE FUNCTION organisation_path(org BIGINT) RETURNS BIGINT[] LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up (id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM organisations WHERE id = org
    UNION ALL
    SELECT o.id, o.parent_id, up.depth + 1 FROM organisations o JOIN up ON o.id = up.parent_id WHERE up.depth < 16)
  SELECT coalesce(array_agg(id ORDER BY depth), '{}') FROM up
$$;
