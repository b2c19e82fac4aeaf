-- Substring search over names, credit codes and pinyin: orgs.terms holds
-- the bigrams of the search text (zhuxiang.SearchTerms) and FTS5 indexes
-- them, so any substring of two or more characters is a phrase query
-- (zhuxiang.SearchMatch) answered from the index, Chinese or pinyin alike.
-- The index is contentless and keyed by orgs.seq (registration order), so a
-- search walks it newest first and stops after one page.
-- The store keeps the index in step itself rather than by triggers: FTS5
-- flushes its pending terms at every statement savepoint, which made a
-- trigger per inserted row cost 25 times more than one INSERT … SELECT at the
-- end of an import.
-- +split
-- +whole
CREATE VIRTUAL TABLE orgs_fts USING fts5(terms, content='', tokenize='unicode61 remove_diacritics 0')
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
