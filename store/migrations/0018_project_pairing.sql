-- A pairing's page lists the projects grown from it (据此结对立项): found by
-- the pairing they name. Most projects name none, so the index keeps only
-- those that do.
CREATE INDEX projects_pairing ON projects (pairing_id, seq) WHERE pairing_id <> '';
