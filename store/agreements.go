package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"zhuxiang"
	"zhuxiang/attach"
)

// A pairing's agreement after the pairing was made: its sides upload it
// and replace it, and correct the pairing's details. The pairing's row
// holds the current file; pairing_files holds each file a later upload
// replaced (migration 0009), so the history is the row plus that table and
// nothing is stored twice. The bytes of every version live in files,
// addressed by SHA-256, so a file uploaded twice is kept once.

// agreementFile is a checked agreement file, kept in files.
type agreementFile struct {
	Name, Type, SHA string
	Size            int64
}

// keepAgreement vets an uploaded agreement as every attachment is vetted
// (attach.Vet: type by content, size, a safe name, and a photographed
// page's location metadata stripped — such photos are often taken at
// home) and keeps it, with an image's thumbnail, in files unless the same
// bytes are already there.
func keepAgreement(ctx context.Context, tx *writeTx, file *Agreement) (*agreementFile, error) {
	if len(file.Data) == 0 {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "file", "请选择协议文件")
	}
	name := strings.TrimSpace(file.Name)
	if name == "" {
		name = "协议"
	}
	f, err := attach.Vet(name, file.Data)
	if err != nil {
		return nil, err
	}
	kept, err := keepFile(ctx, tx, f)
	if err != nil {
		return nil, err
	}
	return &agreementFile{Name: kept.Name, Type: kept.Type, SHA: kept.SHA, Size: kept.Size}, nil
}

// pairingToChange reads a pairing in the actor's scope inside a write,
// locked on PostgreSQL, and asks whether the actor may change it: out of
// scope it is not found, in scope but not a side (a department) forbidden.
func (s *Store) pairingToChange(ctx context.Context, tx *writeTx, a zhuxiang.Actor, id string) (*zhuxiang.Pairing, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := pairingScope(a, 2)
	p, err := scanPairing(tx.QueryRowContext(ctx, `SELECT `+pairingCols+pairingFrom+` WHERE p.id = $1 AND `+cond+s.forUpdateOf("p"), append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("结对")
	}
	if err != nil {
		return nil, err
	}
	if err := zhuxiang.CanEditPairing(a, p); err != nil {
		return nil, err
	}
	return p, nil
}

// notifySides tells the users of a pairing's organization, village and
// county, except the one who acted, what changed.
func (s *Store) notifySides(ctx context.Context, tx *writeTx, a zhuxiang.Actor, p *zhuxiang.Pairing, text string) error {
	return s.notifyWhere(ctx, tx, text, "/pairings/"+p.ID,
		`id <> $1 AND ((role = 'county' AND county_code = $2) OR (role = 'village' AND region_code = $3 AND $3 <> '') OR (role = 'org' AND org_id = $4))`,
		a.UserID, p.CountyCode, p.VillageCode, p.OrgID)
}

// UploadAgreement attaches an agreement file to a pairing, or replaces the
// one it has, which then stays in the pairing's history. Its sides and its
// county may do it (zhuxiang.CanEditPairing), whatever way the pairing was
// made; the file is checked as on entry: PDF, JPEG or PNG by content, at
// most 10 MB. The details' version is not bumped: a file does not change
// what another user is correcting.
func (s *Store) UploadAgreement(ctx context.Context, a zhuxiang.Actor, id string, file *Agreement) error {
	if file == nil || len(file.Data) == 0 {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "请选择协议文件")
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.pairingToChange(ctx, tx, a, id)
		if err != nil {
			return err
		}
		f, err := keepAgreement(ctx, tx, file)
		if err != nil {
			return err
		}
		if f.SHA == p.FileSHA {
			return zhuxiang.Errorf(zhuxiang.EInvalid, "file", "所选文件与当前协议文件相同，无需重新上传")
		}
		now := ts(s.Now())
		if p.FileSHA != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pairing_files WHERE pairing_id = $1`, p.ID).Scan(&n); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO pairing_files (pairing_id, n, file_name, file_type, file_size, file_sha, uploaded_at, uploaded_by, replaced_at, replaced_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
				p.ID, n+1, p.FileName, p.FileType, p.FileSize, p.FileSHA, tsOrEmpty(p.FileAt), p.FileBy, now, a.Name); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE pairings SET file_name = $1, file_type = $2, file_size = $3, file_sha = $4, file_at = $5, file_by = $6, updated_at = $5 WHERE id = $7`,
			f.Name, f.Type, f.Size, f.SHA, now, a.Name, p.ID); err != nil {
			return err
		}
		var before any
		if p.FileName != "" {
			before = p.FileName
		}
		if err := tx.audit("update", "pairing", p.ID, []Change{{Field: "协议文件", Before: before, After: f.Name}}); err != nil {
			return err
		}
		text := "结对协议已上传：" + p.Org + " · " + p.Place()
		if before != nil {
			text = "结对协议已更换：" + p.Org + " · " + p.Place()
		}
		return s.notifySides(ctx, tx, a, p, text)
	})
}

// PairingChange corrects a pairing's details; Version is the one the user
// read, so two people correcting one pairing do not overwrite each other.
// A platform pairing keeps its need's action (zhuxiang.Pairing.ActionFixed).
type PairingChange struct {
	Version   int
	Action    zhuxiang.Action
	StartDate string
	EndDate   string
	Note      string
}

// UpdatePairing corrects a pairing's dates, note and (unless it came from
// the platform) action; its sides and county may (zhuxiang.CanEditPairing).
// The parties are not changed here. A change that changes nothing writes
// nothing.
func (s *Store) UpdatePairing(ctx context.Context, a zhuxiang.Actor, id string, c PairingChange) error {
	if err := zhuxiang.CheckVersion(c.Version); err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		p, err := s.pairingToChange(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.Version != p.Version {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该结对已被他人修改，请刷新页面后重新填写")
		}
		next := *p
		next.StartDate, next.EndDate, next.Note = c.StartDate, c.EndDate, strings.TrimSpace(c.Note)
		if !p.ActionFixed() {
			next.Action = c.Action
		}
		if err := next.Validate(); err != nil {
			return err
		}
		changes := diff(pairingKV(p), pairingKV(&next))
		if len(changes) == 0 {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE pairings SET action = $1, start_date = $2, end_date = $3, note = $4, version = version + 1, updated_at = $5
			WHERE id = $6 AND version = $7`, string(next.Action), next.StartDate, next.EndDate, next.Note, ts(s.Now()), p.ID, p.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return zhuxiang.Errorf(zhuxiang.EConflict, "version", "该结对已被他人修改，请刷新页面后重新填写")
		}
		if err := tx.audit("update", "pairing", p.ID, changes); err != nil {
			return err
		}
		return s.notifySides(ctx, tx, a, p, "结对信息已更正："+p.Org+" · "+p.Place())
	})
}

// AgreementVersions lists the agreement files of a pairing in the actor's
// scope, the current one first, then those it replaced, newest first.
// Whoever may see the pairing may see its history and download each file.
func (s *Store) AgreementVersions(ctx context.Context, a zhuxiang.Actor, id string) ([]zhuxiang.AgreementVersion, error) {
	p, err := s.Pairing(ctx, a, id)
	if err != nil {
		return nil, err
	}
	return s.agreementVersions(ctx, p)
}

func (s *Store) agreementVersions(ctx context.Context, p *zhuxiang.Pairing) ([]zhuxiang.AgreementVersion, error) {
	rows, err := s.query(ctx, `SELECT n, file_name, file_type, file_size, file_sha, uploaded_at, uploaded_by, replaced_at, replaced_by
		FROM pairing_files WHERE pairing_id = $1 ORDER BY n DESC`, p.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var earlier []zhuxiang.AgreementVersion
	for rows.Next() {
		var v zhuxiang.AgreementVersion
		var up, rep string
		if err := rows.Scan(&v.N, &v.Name, &v.Type, &v.Size, &v.SHA, &up, &v.UploadedBy, &rep, &v.ReplacedBy); err != nil {
			return nil, err
		}
		v.UploadedAt, v.ReplacedAt = parseTS(up), parseTS(rep)
		earlier = append(earlier, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if p.FileSHA == "" {
		return earlier, nil
	}
	cur := zhuxiang.AgreementVersion{N: len(earlier) + 1, Name: p.FileName, Type: p.FileType, Size: p.FileSize, SHA: p.FileSHA,
		UploadedAt: p.FileAt, UploadedBy: p.FileBy}
	return append([]zhuxiang.AgreementVersion{cur}, earlier...), nil
}

// AgreementFile returns version n of a pairing's agreement (0: the current
// one) with its bytes, for whoever may see the pairing.
func (s *Store) AgreementFile(ctx context.Context, a zhuxiang.Actor, id string, n int) (*Agreement, error) {
	p, err := s.Pairing(ctx, a, id)
	if err != nil {
		return nil, err
	}
	vs, err := s.agreementVersions(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if n == v.N || n == 0 && v.Current() {
			data, err := s.fileData(ctx, v.SHA)
			if err != nil {
				return nil, notFound("协议文件")
			}
			return &Agreement{Name: v.Name, Type: v.Type, SHA: v.SHA, Data: data}, nil
		}
	}
	return nil, notFound("协议文件")
}
