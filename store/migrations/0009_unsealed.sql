-- Every start asks whether any personal data is still in plaintext
-- (prepareFieldKey). Without an index that question reads the whole table
-- when the answer is no, which is every start after the first: 55 ms for
-- 100 000 organizations, and linear beyond. These partial indexes hold
-- only the rows still to seal, so the question costs one empty index probe.
-- Their condition is notSealed's text, which the planners must match.
CREATE INDEX orgs_phone_unsealed ON orgs (id) WHERE phone <> '' AND phone NOT LIKE 'sm4g1:%';
CREATE INDEX needs_phone_unsealed ON needs (id) WHERE phone <> '' AND phone NOT LIKE 'sm4g1:%';
