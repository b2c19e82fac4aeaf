-- The foundation schema. Types are the ones both engines read alike: TEXT,
-- INTEGER, BIGINT. Times are fixed-width UTC text (2026-11-30T08:00:00.000000Z),
-- dates YYYY-MM-DD, money (in later tables) integer fen.

CREATE TABLE regions (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    level        TEXT NOT NULL,
    parent_code  TEXT NOT NULL DEFAULT '',
    county_code  TEXT NOT NULL DEFAULT '',
    county_class TEXT NOT NULL DEFAULT '',
    tag_lifted   INTEGER NOT NULL DEFAULT 0,
    tag_key      INTEGER NOT NULL DEFAULT 0,
    tag_model    INTEGER NOT NULL DEFAULT 0,
    official     INTEGER NOT NULL DEFAULT 1,
    demo         INTEGER NOT NULL DEFAULT 0,
    search       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX regions_parent ON regions (parent_code, name);
CREATE INDEX regions_county ON regions (county_code, level);

CREATE TABLE departments (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    note       TEXT NOT NULL DEFAULT '',
    version    INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE department_actions (
    department_id TEXT NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    action        TEXT NOT NULL,
    lead          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (department_id, action)
);

CREATE TABLE orgs (
    id             TEXT PRIMARY KEY,
    credit_code    TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    legal_form     TEXT NOT NULL,
    kinds          TEXT NOT NULL DEFAULT '',
    department_id  TEXT REFERENCES departments (id),
    rating         INTEGER NOT NULL DEFAULT 0,
    rating_date    TEXT NOT NULL DEFAULT '',
    -- annual inspections as "2025:合格;2024:基本合格", newest first: always
    -- read and written with the organization, never queried apart, and a
    -- table of their own tripled the rows an import writes.
    inspections    TEXT NOT NULL DEFAULT '',
    reg_county     TEXT NOT NULL DEFAULT '',
    reg_place      TEXT NOT NULL DEFAULT '',
    contact        TEXT NOT NULL DEFAULT '',
    phone          TEXT NOT NULL DEFAULT '',
    address        TEXT NOT NULL DEFAULT '',
    intro          TEXT NOT NULL DEFAULT '',
    flag_abnormal  INTEGER NOT NULL DEFAULT 0,
    flag_dishonest INTEGER NOT NULL DEFAULT 0,
    search         TEXT NOT NULL DEFAULT '',
    seq            BIGINT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX orgs_name ON orgs (name, id);
CREATE INDEX orgs_county ON orgs (reg_county, name, id);
CREATE INDEX orgs_department ON orgs (department_id, name, id);
CREATE UNIQUE INDEX orgs_seq ON orgs (seq);

CREATE TABLE org_flags (
    org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
    kind   TEXT NOT NULL,
    source TEXT NOT NULL,
    date   TEXT NOT NULL,
    PRIMARY KEY (org_id, kind)
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    region_code   TEXT NOT NULL DEFAULT '',
    county_code   TEXT NOT NULL DEFAULT '',
    org_id        TEXT REFERENCES orgs (id),
    department_id TEXT REFERENCES departments (id),
    password_hash TEXT NOT NULL,
    must_change   INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT NOT NULL DEFAULT '',
    disabled      INTEGER NOT NULL DEFAULT 0,
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen  TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_used  TEXT NOT NULL DEFAULT ''
);

-- The audit log is append-only: the store never updates or deletes it, and
-- each entry's SM3 hash covers the previous entry's hash.
CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    op         TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    summary    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_actor ON audit_log (actor_id, seq);

-- One row holding the chain's head; writers lock it, which orders entries.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- Counters hand out ordered numbers (orgs.seq: registration order) without
-- engine-specific sequences; the row lock orders concurrent writers.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO counters (name, value) VALUES ('orgs', 0);
-- orgs_gen changes with every write to an organization; cached list pages
-- are keyed by it (store/pagecache.go).
INSERT INTO counters (name, value) VALUES ('orgs_gen', 0);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
