-- Uploaded files (pairing agreements), content-addressed by SHA-256, kept in
-- the database so that a file and the record naming it commit together and
-- a backup of the database is a backup of everything.
CREATE TABLE files (
    sha  TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
