-- Projects (帮扶项目, issue 11): the project, its organizations, villages
-- and needs, its spending, and its progress reports. Money in integer fen;
-- dates YYYY-MM-DD; times fixed-width UTC text. The budget and the people
-- benefiting are always read and written with their project and never
-- queried apart, so they are kept as short text on the row, as an
-- organization's inspections are ("own:100000:120000;special:50000:0",
-- "村民:200:35;留守儿童:30:0").
CREATE TABLE projects (
    id           TEXT PRIMARY KEY,
    seq          BIGINT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    lead_org_id  TEXT NOT NULL REFERENCES orgs (id),
    county_code  TEXT NOT NULL REFERENCES regions (code),
    action       TEXT NOT NULL,
    pairing_id   TEXT NOT NULL DEFAULT '',
    key_project  INTEGER NOT NULL DEFAULT 0,
    budget       TEXT NOT NULL DEFAULT '',
    people       TEXT NOT NULL DEFAULT '',
    start_date   TEXT NOT NULL,
    end_date     TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_by_id TEXT NOT NULL DEFAULT '',
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX projects_county ON projects (county_code, status, seq);
CREATE INDEX projects_status ON projects (status, seq);
CREATE INDEX projects_lead ON projects (lead_org_id, seq);
CREATE INDEX projects_key ON projects (seq) WHERE key_project = 1;

CREATE TABLE project_parties (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    role       TEXT NOT NULL,
    amount_fen BIGINT NOT NULL DEFAULT 0,
    pos        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, org_id)
);
CREATE INDEX project_parties_org ON project_parties (org_id);

CREATE TABLE project_villages (
    project_id   TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    village_code TEXT NOT NULL REFERENCES regions (code),
    pos          INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, village_code)
);
CREATE INDEX project_villages_village ON project_villages (village_code);

CREATE TABLE project_needs (
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    need_id    TEXT NOT NULL REFERENCES needs (id),
    PRIMARY KEY (project_id, need_id)
);
CREATE INDEX project_needs_need ON project_needs (need_id);

CREATE TABLE project_spending (
    id         TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    spent_on   TEXT NOT NULL,
    source     TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_spending_project ON project_spending (project_id, spent_on);

-- Progress reports (the next layer builds their pages and the village's
-- confirmation). A project cannot be completed while one of its reports is
-- disputed: store.TransitionProject counts them (projectDisputes).
CREATE TABLE project_reports (
    id             TEXT PRIMARY KEY,
    project_id     TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    status         TEXT NOT NULL,
    text           TEXT NOT NULL DEFAULT '',
    dispute_reason TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX project_reports_project ON project_reports (project_id, status);

INSERT INTO counters (name, value) VALUES ('projects', 0);
