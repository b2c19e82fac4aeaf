-- Brands (项目品牌, issue 11): the prefecture recognises one or more
-- projects as a brand. A brand keeps no figure of its own: its money,
-- people, villages and counties are summed from its projects on read. Its
-- logo is a kept file (files, by SHA-256; store/files.go lists
-- brands.logo_sha in fileRefs), its thumbnail linked from the file row.
CREATE TABLE brands (
    id             TEXT PRIMARY KEY,
    seq            BIGINT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    level          TEXT NOT NULL,
    county_code    TEXT NOT NULL DEFAULT '',
    year           INTEGER NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    logo_name      TEXT NOT NULL DEFAULT '',
    logo_type      TEXT NOT NULL DEFAULT '',
    logo_size      BIGINT NOT NULL DEFAULT 0,
    logo_sha       TEXT NOT NULL DEFAULT '',
    logo_thumb_sha TEXT NOT NULL DEFAULT '',
    logo_width     INTEGER NOT NULL DEFAULT 0,
    logo_height    INTEGER NOT NULL DEFAULT 0,
    status         TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL DEFAULT '',
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX brands_status ON brands (status, seq);
CREATE INDEX brands_logo ON brands (logo_sha);

CREATE TABLE brand_projects (
    brand_id   TEXT NOT NULL REFERENCES brands (id) ON DELETE CASCADE,
    project_id TEXT NOT NULL REFERENCES projects (id),
    pos        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (brand_id, project_id)
);
CREATE INDEX brand_projects_project ON brand_projects (project_id);

INSERT INTO counters (name, value) VALUES ('brands', 0);
