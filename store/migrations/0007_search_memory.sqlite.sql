-- The search index moved into memory (package search): the store reads
-- orgs.search and the facet columns when it starts, and after that only
-- the rows whose rev is newer than what it has seen. rev is the orgs_gen
-- counter of the transaction that last wrote the row.
DROP TABLE orgs_fts;
-- +split
ALTER TABLE orgs ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
-- +split
-- created_audit: the audit entry that lists an organization created by an
-- import (one entry per batch of rows); 0 when its own entry names it.
ALTER TABLE orgs ADD COLUMN created_audit BIGINT NOT NULL DEFAULT 0;
-- +split
CREATE INDEX orgs_rev ON orgs (rev);
