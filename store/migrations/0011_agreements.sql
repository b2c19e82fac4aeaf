-- Agreements uploaded after a pairing was made, and replaced (issue 10).
-- The pairing's row keeps the current file, now with who uploaded it and
-- when; each file a later upload replaced becomes a row of pairing_files,
-- numbered from 1 in the order uploaded, so nothing is stored twice and an
-- earlier version stays downloadable. The bytes stay in files, addressed by
-- SHA-256, as before.
ALTER TABLE pairings ADD COLUMN file_at TEXT NOT NULL DEFAULT '';
ALTER TABLE pairings ADD COLUMN file_by TEXT NOT NULL DEFAULT '';
UPDATE pairings SET file_at = created_at, file_by = created_by WHERE file_sha <> '';
CREATE TABLE pairing_files (
    pairing_id  TEXT NOT NULL REFERENCES pairings (id),
    n           INTEGER NOT NULL,
    file_name   TEXT NOT NULL,
    file_type   TEXT NOT NULL,
    file_size   BIGINT NOT NULL,
    file_sha    TEXT NOT NULL REFERENCES files (sha),
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL DEFAULT '',
    replaced_at TEXT NOT NULL,
    replaced_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (pairing_id, n)
);
