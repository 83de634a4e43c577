-- A held attempt (sent from a device after the learner's attempts were used up) waits for a coordinator: counted,
-- it stops being held and the module_progress triggers add it; set aside, it stays held and is never counted. Either
-- way the decision, who made it and when are kept, and it is made once.
ALTER TABLE attempts
  ADD COLUMN decision TEXT CHECK (decision IN ('counted', 'set-aside')),
  ADD COLUMN decided_by BIGINT REFERENCES accounts (id),
  ADD COLUMN decided_at TIMESTAMPTZ,
  ADD CHECK ((decision IS NULL) = (decided_at IS NULL)),
  ADD CHECK (decision IS DISTINCT FROM 'counted' OR NOT held),
  ADD CHECK (decision IS DISTINCT FROM 'set-aside' OR held);
