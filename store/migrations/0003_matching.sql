-- Needs, offers, matches and pairings (issue 3), notifications, and saved
-- plans. Money in integer fen; dates YYYY-MM-DD; times fixed-width UTC text.

CREATE TABLE needs (
    id           TEXT PRIMARY KEY,
    seq          BIGINT NOT NULL UNIQUE,
    county_code  TEXT NOT NULL REFERENCES regions (code),
    village_code TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    category     TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    quantity     BIGINT NOT NULL DEFAULT 0,
    unit         TEXT NOT NULL DEFAULT '',
    budget_fen   BIGINT NOT NULL DEFAULT 0,
    people       INTEGER NOT NULL DEFAULT 0,
    people_kinds TEXT NOT NULL DEFAULT '',
    urgency      INTEGER NOT NULL DEFAULT 1,
    wanted_by    TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT '',
    reviewed_at  TEXT NOT NULL DEFAULT '',
    reviewed_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX needs_status ON needs (status, seq);
CREATE INDEX needs_county ON needs (county_code, seq);
CREATE INDEX needs_village ON needs (village_code);

CREATE TABLE offers (
    id          TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL UNIQUE,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    action      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    capacity    INTEGER NOT NULL DEFAULT 1,
    amount_fen  BIGINT NOT NULL DEFAULT 0,
    area        TEXT NOT NULL,
    counties    TEXT NOT NULL DEFAULT '',
    valid_from  TEXT NOT NULL DEFAULT '',
    valid_to    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX offers_org ON offers (org_id);
CREATE INDEX offers_status ON offers (status, seq);

CREATE TABLE pairings (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    county_code  TEXT NOT NULL REFERENCES regions (code),
    village_code TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL DEFAULT '',
    need_id      TEXT NOT NULL DEFAULT '',
    match_id     TEXT NOT NULL DEFAULT '',
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    file_name    TEXT NOT NULL DEFAULT '',
    file_type    TEXT NOT NULL DEFAULT '',
    file_size    BIGINT NOT NULL DEFAULT 0,
    file_sha     TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL
);
CREATE INDEX pairings_org ON pairings (org_id);
CREATE INDEX pairings_county ON pairings (county_code, village_code);
CREATE INDEX pairings_need ON pairings (need_id);

CREATE TABLE matches (
    id           TEXT PRIMARY KEY,
    need_id      TEXT NOT NULL REFERENCES needs (id),
    offer_id     TEXT NOT NULL REFERENCES offers (id),
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    county_code  TEXT NOT NULL,
    village_code TEXT NOT NULL DEFAULT '',
    initiator    TEXT NOT NULL,
    status       TEXT NOT NULL,
    score        INTEGER NOT NULL DEFAULT 0,
    reasons      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    pairing_id   TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX matches_need ON matches (need_id);
CREATE INDEX matches_offer ON matches (offer_id);
CREATE INDEX matches_status ON matches (status, created_at);

CREATE TABLE notifications (
    id      TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at      TEXT NOT NULL,
    text    TEXT NOT NULL,
    link    TEXT NOT NULL DEFAULT '',
    read_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_user ON notifications (user_id, at);

CREATE TABLE plans (
    id           TEXT PRIMARY KEY,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    needs        INTEGER NOT NULL,
    offers       INTEGER NOT NULL,
    arcs         INTEGER NOT NULL,
    matched      INTEGER NOT NULL,
    key_villages INTEGER NOT NULL,
    key_reached  INTEGER NOT NULL,
    total_score  BIGINT NOT NULL,
    cost         BIGINT NOT NULL,
    micros       BIGINT NOT NULL,
    weights      TEXT NOT NULL
);
CREATE INDEX plans_created ON plans (created_at);

CREATE TABLE plan_items (
    plan_id  TEXT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    need_id  TEXT NOT NULL,
    offer_id TEXT NOT NULL DEFAULT '',
    score    INTEGER NOT NULL DEFAULT 0,
    reasons  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (plan_id, need_id)
);

INSERT INTO counters (name, value) VALUES ('needs', 0);
INSERT INTO counters (name, value) VALUES ('offers', 0);
