-- match_gen changes with every write that can change proposals or the plan
-- (needs, offers, pairings, weights, village tags, county classes); the
-- loaded match input is cached keyed by it and by orgs_gen.
INSERT INTO counters (name, value) VALUES ('match_gen', 0);
