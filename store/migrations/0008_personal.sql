-- Personal data is sealed with SM4 in its own column (orgs.phone,
-- needs.phone keep their names and hold "sm4g1:…" values); the store seals
-- the plaintext of older databases in Go after migrating (prepareFieldKey).
-- field_keys keeps which key sealed them, as an id and a check value,
-- never the key; *_idx columns are keyed SM3 blind indexes for exact
-- look-up.
CREATE TABLE field_keys (
	name TEXT PRIMARY KEY,
	key_id TEXT NOT NULL,
	check_value TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
ALTER TABLE orgs ADD COLUMN phone_idx TEXT NOT NULL DEFAULT '';
ALTER TABLE needs ADD COLUMN phone_idx TEXT NOT NULL DEFAULT '';
CREATE INDEX orgs_phone_idx ON orgs (phone_idx) WHERE phone_idx <> '';
CREATE INDEX needs_phone_idx ON needs (phone_idx) WHERE phone_idx <> '';
