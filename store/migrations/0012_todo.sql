-- The work bench (工作台, store/todo.go) counts interests, so a write to
-- one bumps interests_gen, and web's response cache, keyed by the data
-- generation, keeps the page between writes.
INSERT INTO counters (name, value) VALUES ('interests_gen', 0);
-- Its counts are per county, village or organization and status: each one
-- an index range instead of a walk over every row of the scope.
CREATE INDEX matches_county ON matches (county_code, status);
CREATE INDEX matches_org ON matches (org_id, status);
CREATE INDEX needs_county_status ON needs (county_code, status);
DROP INDEX needs_village;
CREATE INDEX needs_village ON needs (village_code, status);
-- A department's work bench counts the flagged organizations it
-- supervises; they are few, so their index holds only them. (The
-- organizations whose rating or inspection lapsed are counted by walking
-- the department's rows: indexes on them cost the import of 100 000
-- organizations about 13 %, for 20 ms a count on a cache miss; see
-- docs/PERFORMANCE.md.)
CREATE INDEX orgs_flagged ON orgs (department_id) WHERE flag_abnormal = 1 OR flag_dishonest = 1;
