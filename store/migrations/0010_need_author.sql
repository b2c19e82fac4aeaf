-- The account that created a need: only its author may withdraw it from
-- review (zhuxiang.IsNeedAuthor). Needs created before this migration keep
-- '' and fall back to the accounts of the need's own level.
ALTER TABLE needs ADD COLUMN created_by_id TEXT NOT NULL DEFAULT '';
