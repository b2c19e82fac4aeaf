-- Attachments (issue 11): photos and PDFs of progress reports, brands'
-- logos and cases are kept in files like agreements, by the SHA-256 of the
-- bytes as stored (metadata stripped). An image's thumbnail is a file of its
-- own; thumb_sha links the original to it ('' for a PDF and for files kept
-- before this migration). Which tables refer to files, and so keep them, is
-- listed in store/files.go (fileRefs).
ALTER TABLE files ADD COLUMN thumb_sha TEXT NOT NULL DEFAULT '';
