-- Case collection (案例征集, issue 11): the prefecture's calls, the cases
-- organizations and counties submit to them, their linked projects and
-- photos, and the reviewers' scores. Dates YYYY-MM-DD; times fixed-width
-- UTC text. A call's status follows from its dates (zhuxiang.CaseCall).
CREATE TABLE case_calls (
    id          TEXT PRIMARY KEY,
    seq         BIGINT NOT NULL UNIQUE,
    theme       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    opens_on    TEXT NOT NULL,
    closes_on   TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL DEFAULT ''
);

-- org_id is '' for a county's own case; county_code is the submitter's
-- county either way, so a county reads its organizations' cases too. An
-- organization registered outside the prefecture has no county: its case
-- takes the county of its first linked project, or '' without one.
CREATE TABLE cases (
    id            TEXT PRIMARY KEY,
    seq           BIGINT NOT NULL UNIQUE,
    call_id       TEXT NOT NULL REFERENCES case_calls (id),
    title         TEXT NOT NULL,
    body          TEXT NOT NULL DEFAULT '',
    org_id        TEXT NOT NULL DEFAULT '',
    county_code   TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    published_on  TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL DEFAULT '',
    created_by_id TEXT NOT NULL DEFAULT '',
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_call ON cases (call_id, status, seq);
CREATE INDEX cases_status ON cases (status, seq);
CREATE INDEX cases_county ON cases (county_code, seq);
CREATE INDEX cases_org ON cases (org_id, seq);

CREATE TABLE case_projects (
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects (id),
    pos        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, project_id)
);
CREATE INDEX case_projects_project ON case_projects (project_id);

-- A case's photos, kept as files by SHA (store/files.go lists the column
-- in fileRefs); pos orders them, the first is the cover.
CREATE TABLE case_photos (
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    type      TEXT NOT NULL,
    size      BIGINT NOT NULL,
    sha       TEXT NOT NULL,
    thumb_sha TEXT NOT NULL DEFAULT '',
    width     INTEGER NOT NULL DEFAULT 0,
    height    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (case_id, pos)
);
CREATE INDEX case_photos_sha ON case_photos (sha);

-- One row per reviewer and case: scoring again replaces it. points is
-- "impact:35;innovation:15;…" (zhuxiang.CaseCriteria), total their sum,
-- which the case's mean is computed from.
CREATE TABLE case_scores (
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    reviewer_id TEXT NOT NULL,
    reviewer    TEXT NOT NULL DEFAULT '',
    points      TEXT NOT NULL,
    total       INTEGER NOT NULL,
    comment     TEXT NOT NULL DEFAULT '',
    scored_at   TEXT NOT NULL,
    PRIMARY KEY (case_id, reviewer_id)
);
CREATE INDEX case_scores_reviewer ON case_scores (reviewer_id);

INSERT INTO counters (name, value) VALUES ('cases', 0);
INSERT INTO counters (name, value) VALUES ('case_calls', 0);
