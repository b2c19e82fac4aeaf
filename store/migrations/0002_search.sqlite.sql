-- Substring search over names, credit codes and pinyin: FTS5 indexes the
-- n-grams of orgs.search (zhuxiang.SearchTerms), so any substring of two or more characters is a phrase query
-- (zhuxiang.SearchMatch) answered from the index, Chinese or pinyin alike.
-- The index is contentless and keyed by orgs.seq (registration order), so a
-- search walks it newest first and stops after one page. The facets column
-- holds one token per filterable fact (county c652827, kind kagri, rating r4,
-- flag xabnormal, department d…), so filtered counts are posting-list
-- intersections instead of row fetches.
-- The store keeps the index in step itself, in the transaction that changes
-- the row: FTS5 flushes its pending terms at every statement savepoint, and a
-- trigger per inserted row made imports 25 times slower.
-- +split
-- +whole
CREATE VIRTUAL TABLE orgs_fts USING fts5(terms, facets, content='', prefix='2', tokenize='unicode61 remove_diacritics 0')
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
