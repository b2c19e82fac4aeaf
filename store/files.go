package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
)

// Files: every uploaded file — agreements, and the attachments package
// attach vets — is kept in the files table by the SHA-256 of its bytes, in
// the database, so a file and the record naming it commit together, a
// backup holds both, and a file uploaded twice is kept once. An image's
// thumbnail is a file too, linked from the original's thumb_sha.
//
// A file stays while a record refers to it. The records that can refer to
// one are listed in fileRefs: a table that names files by SHA adds its
// (table, column) there, and a write that removes or replaces such a
// reference calls releaseFile in the same transaction, which deletes the
// file (and its thumbnail) only if nothing refers to it any more. So no
// count is kept that could drift; the question is asked of the referring
// tables themselves, and unreferencedFiles asks it of all files at once.

// fileRef is a column whose values are SHAs of kept files.
type fileRef struct{ table, column string }

// fileRefs lists every column that keeps a file. Add the columns of a new
// record here (e.g. {"report_files", "sha"}, {"brands", "logo_sha"}).
var fileRefs = []fileRef{
	{"pairings", "file_sha"},
	{"pairing_files", "file_sha"},
	{"report_files", "sha"},
	{"report_files", "thumb_sha"},
	{"brands", "logo_sha"},
	{"case_photos", "sha"},
}

// referenced is a condition true when some record refers to the file
// whose sha column is col.
func referenced(col string) string {
	var b strings.Builder
	for i, r := range fileRefs {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteString("EXISTS (SELECT 1 FROM " + r.table + " WHERE " + r.column + " = " + col + ")")
	}
	if b.Len() == 0 {
		return "FALSE"
	}
	return b.String()
}

// kept is a condition true when the file f.sha must stay: a record refers
// to it, or it is the thumbnail of a file a record refers to.
func kept() string {
	return "(" + referenced("f.sha") + " OR EXISTS (SELECT 1 FROM files o WHERE o.thumb_sha = f.sha AND (" + referenced("o.sha") + ")))"
}

// putFile keeps bytes under their SHA unless they are already kept, and
// links a thumbnail to them when one is given.
func putFile(ctx context.Context, tx *writeTx, sha string, data []byte, thumb string) error {
	var one int
	err := tx.QueryRowContext(ctx, `SELECT 1 FROM files WHERE sha = $1`, sha).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.ExecContext(ctx, `INSERT INTO files (sha, data, thumb_sha) VALUES ($1, $2, $3)`, sha, data, thumb)
		return err
	case err != nil:
		return err
	case thumb != "":
		// Kept before as something without a thumbnail (an agreement
		// scan uploaded as a photo): link it now.
		_, err = tx.ExecContext(ctx, `UPDATE files SET thumb_sha = $1 WHERE sha = $2 AND thumb_sha = ''`, thumb, sha)
	}
	return err
}

func shaOf(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// keepFile keeps a vetted attachment and its thumbnail inside a write and
// returns what the record refers to it by. The caller writes that
// reference in the same transaction, in a table listed in fileRefs.
func keepFile(ctx context.Context, tx *writeTx, f *attach.File) (zhuxiang.Attachment, error) {
	a := zhuxiang.Attachment{Name: f.Name, Type: f.Type, Size: int64(len(f.Data)), SHA: shaOf(f.Data), Width: f.Width, Height: f.Height}
	if f.Thumb != nil {
		a.ThumbSHA = shaOf(f.Thumb)
		if err := putFile(ctx, tx, a.ThumbSHA, f.Thumb, ""); err != nil {
			return a, err
		}
	}
	return a, putFile(ctx, tx, a.SHA, f.Data, a.ThumbSHA)
}

// releaseFile deletes a file, and then its thumbnail, if nothing refers to
// it any more; the caller has just removed or replaced its reference in
// the same transaction.
func releaseFile(ctx context.Context, tx *writeTx, sha string) error {
	if sha == "" {
		return nil
	}
	var thumb string
	err := tx.QueryRowContext(ctx, `SELECT f.thumb_sha FROM files f WHERE f.sha = $1 AND NOT `+kept(), sha).Scan(&thumb)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // kept, or already gone
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM files WHERE sha = $1`, sha); err != nil {
		return err
	}
	if thumb == sha {
		return nil
	}
	return releaseFile(ctx, tx, thumb)
}

// fileData reads a kept file's bytes. It checks no scope: the record's
// getter that names the file has checked that the actor may see it.
func (s *Store) fileData(ctx context.Context, sha string) ([]byte, error) {
	var data []byte
	if err := s.queryRow(ctx, `SELECT data FROM files WHERE sha = $1`, sha).Scan(&data); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, notFound("附件")
		}
		return nil, err
	}
	return data, nil
}

// unreferencedFiles lists the files nothing keeps, which should be none:
// every write that drops a reference releases the file. Tests and checks
// ask it.
func (s *Store) unreferencedFiles(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, `SELECT f.sha FROM files f WHERE NOT `+kept()+` ORDER BY f.sha`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var shas []string
	for rows.Next() {
		var sha string
		if err := rows.Scan(&sha); err != nil {
			return nil, err
		}
		shas = append(shas, sha)
	}
	return shas, rows.Err()
}

// served reads an attachment a record refers to, or its thumbnail, ready
// for attach.Serve. A record's getter (say ReportPhoto(ctx, actor, id, n,
// thumb)) checks the actor's scope, then returns this; a PDF has no
// thumbnail, so asking for one is not found.
func (s *Store) served(ctx context.Context, a zhuxiang.Attachment, thumb bool) (*attach.Served, error) {
	if thumb {
		if a.ThumbSHA == "" {
			return nil, notFound("缩略图")
		}
		data, err := s.fileData(ctx, a.ThumbSHA)
		if err != nil {
			return nil, err
		}
		return &attach.Served{Name: attach.ThumbName(a.Name), Type: attach.JPEG, SHA: a.ThumbSHA, Data: data}, nil
	}
	data, err := s.fileData(ctx, a.SHA)
	if err != nil {
		return nil, err
	}
	return &attach.Served{Name: a.Name, Type: a.Type, SHA: a.SHA, Data: data}, nil
}

// attachmentCols are the columns a table of attached files keeps each in
// (report_files, case_photos), after the column naming its record.
const attachmentCols = "name, type, size, sha, thumb_sha, width, height"

// attachmentDest are the scan destinations of attachmentCols (or of a
// record's own columns in that order, as a brand's logo).
func attachmentDest(a *zhuxiang.Attachment) []any {
	return []any{&a.Name, &a.Type, &a.Size, &a.SHA, &a.ThumbSHA, &a.Width, &a.Height}
}

// attachmentArgs are the values of attachmentCols for an insert.
func attachmentArgs(a zhuxiang.Attachment) []any {
	return []any{a.Name, a.Type, a.Size, a.SHA, a.ThumbSHA, a.Width, a.Height}
}
