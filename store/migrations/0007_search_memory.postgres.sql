-- rev: the orgs_gen of the transaction that last wrote the row. SQLite's
-- in-memory search index catches up by it; PostgreSQL searches through
-- its trigram index and only keeps the column so both engines share the
-- same SQL.
ALTER TABLE orgs ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
-- +split
-- created_audit: the audit entry that lists an organization created by an
-- import (one entry per batch of rows); 0 when its own entry names it.
ALTER TABLE orgs ADD COLUMN created_audit BIGINT NOT NULL DEFAULT 0;
