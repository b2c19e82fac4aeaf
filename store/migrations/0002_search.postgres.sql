-- Substring search over names, credit codes and pinyin with pg_trgm: the GIN
-- index serves LIKE '%…%' for queries of 3+ characters. pg_trgm sees Chinese
-- only in a database with a UTF-8 locale (C.UTF-8); with the C locale it
-- silently finds nothing.
CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public;
CREATE INDEX orgs_search_trgm ON orgs USING gin (search gin_trgm_ops);
-- +split
-- +whole
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END
$$
-- +split
CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_append_only();
