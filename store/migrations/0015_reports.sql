-- Progress reports (项目进展报告, issue 11): the report row of migration
-- 0013 gets its date, the people it states as reached ("村民:80;留守儿童:12",
-- read and written with the report, as a project's people are), the lead
-- organization's answer to a dispute, and a version so that two people
-- answering one report take turns. Its photos and PDFs are report_files,
-- numbered from 1 in the order uploaded, the bytes kept in files by SHA-256
-- (store/files.go fileRefs names both columns). A spending entry recorded
-- by a report names it.
ALTER TABLE project_reports ADD COLUMN report_date TEXT NOT NULL DEFAULT '';
ALTER TABLE project_reports ADD COLUMN people TEXT NOT NULL DEFAULT '';
ALTER TABLE project_reports ADD COLUMN answer TEXT NOT NULL DEFAULT '';
ALTER TABLE project_reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX project_reports_status ON project_reports (status, project_id);

CREATE TABLE report_files (
    report_id TEXT NOT NULL REFERENCES project_reports (id) ON DELETE CASCADE,
    pos       INTEGER NOT NULL,
    name      TEXT NOT NULL,
    type      TEXT NOT NULL,
    size      BIGINT NOT NULL,
    sha       TEXT NOT NULL REFERENCES files (sha),
    thumb_sha TEXT NOT NULL DEFAULT '',
    width     INTEGER NOT NULL DEFAULT 0,
    height    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (report_id, pos)
);
CREATE INDEX report_files_sha ON report_files (sha);
CREATE INDEX report_files_thumb ON report_files (thumb_sha);

ALTER TABLE project_spending ADD COLUMN report_id TEXT NOT NULL DEFAULT '';
