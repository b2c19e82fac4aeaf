-- Substring search over names, credit codes and pinyin: FTS5's trigram
-- tokenizer indexes every 3-character run, so LIKE '%库尔勒%' and "kel" use
-- the index; shorter queries fall back to a scan (see orgs.go).
-- +split
-- +whole
CREATE VIRTUAL TABLE orgs_fts USING fts5(search, content='orgs', content_rowid='rowid', tokenize='trigram')
-- +split
-- +whole
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END
-- +split
-- +whole
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END
