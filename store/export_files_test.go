package store

import (
	"context"

	"zhuxiang"
	"zhuxiang/attach"
)

// AddFileRef registers a test table's column as keeping files, as a new
// record registers its own; the returned function undoes it.
func AddFileRef(table, column string) func() {
	old := fileRefs
	fileRefs = append(fileRefs[:len(fileRefs):len(fileRefs)], fileRef{table, column})
	return func() { fileRefs = old }
}

// KeepTestFile keeps f and refers to it from the row id of test_photos, as
// a record's write would, audited as an update of pairing id.
func (s *Store) KeepTestFile(ctx context.Context, a zhuxiang.Actor, id string, f *attach.File) (zhuxiang.Attachment, error) {
	var att zhuxiang.Attachment
	err := s.write(ctx, a, func(tx *writeTx) error {
		var err error
		if att, err = keepFile(ctx, tx, f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO test_photos (id, sha) VALUES ($1, $2)`, id, att.SHA); err != nil {
			return err
		}
		return tx.audit("update", "pairing", id, nil)
	})
	return att, err
}

// DropTestFile removes the row id of test_photos and releases its file.
func (s *Store) DropTestFile(ctx context.Context, a zhuxiang.Actor, id, sha string) error {
	return s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM test_photos WHERE id = $1`, id); err != nil {
			return err
		}
		if err := releaseFile(ctx, tx, sha); err != nil {
			return err
		}
		return tx.audit("update", "pairing", id, nil)
	})
}

// FileData reads a kept file.
func (s *Store) FileData(ctx context.Context, sha string) ([]byte, error) {
	return s.fileData(ctx, sha)
}

// UnreferencedFiles lists the files nothing keeps.
func (s *Store) UnreferencedFiles(ctx context.Context) ([]string, error) {
	return s.unreferencedFiles(ctx)
}

// Served reads an attachment or its thumbnail for serving.
func (s *Store) Served(ctx context.Context, a zhuxiang.Attachment, thumb bool) (*attach.Served, error) {
	return s.served(ctx, a, thumb)
}
