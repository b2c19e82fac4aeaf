package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhuxiang"
	"zhuxiang/secure"
)

// Option configures a Store at Open.
type Option func(*Store)

// WithFieldKey gives the store the key that seals personal data at rest.
// Without one the store still reads and writes everything else, but
// refuses to store a phone number, and refuses to start on a database that
// already holds sealed values.
func WithFieldKey(k *secure.FieldKey) Option {
	return func(s *Store) { s.key = k }
}

// sealedColumn is a column that holds personal data sealed with the field
// key, with the column of its blind index and the kind of value (which
// says how the index normalises it). Every record with personal data adds
// its columns here, so the one-time conversion and rekey cover it.
type sealedColumn struct {
	table, column, index, kind string
}

var (
	orgPhone  = sealedColumn{"orgs", "phone", "phone_idx", "phone"}
	needPhone = sealedColumn{"needs", "phone", "phone_idx", "phone"}
	// sealedColumns lists every sealed column.
	sealedColumns = []sealedColumn{orgPhone, needPhone}
)

// normalize prepares a value for its blind index.
func (c sealedColumn) normalize(v string) string {
	switch c.kind {
	case "phone":
		return zhuxiang.PhoneDigits(v)
	}
	return strings.TrimSpace(v)
}

// context binds a sealed value to its table, column and row: a value
// copied elsewhere does not open.
func (c sealedColumn) context(id string) string {
	return c.table + "." + c.column + "/" + id
}

func errNoKey() error {
	return zhuxiang.Errorf(zhuxiang.EInternal, "", "未配置字段加密密钥，不能保存电话号码等个人信息（--key-file、ZHUXIANG_KEY_FILE 或 ZHUXIANG_KEY）")
}

// seal returns the sealed value of plain for column c of row id, and its
// blind index.
func (s *Store) seal(c sealedColumn, id, plain string) (sealed, index string, err error) {
	return sealWith(s.key, c, id, plain)
}

func sealWith(k *secure.FieldKey, c sealedColumn, id, plain string) (sealed, index string, err error) {
	if plain == "" {
		return "", "", nil
	}
	if k == nil {
		return "", "", errNoKey()
	}
	return k.Seal(plain, c.context(id)), k.BlindIndex(c.kind, c.normalize(plain)), nil
}

// open returns the plaintext of a value read from column c of row id. The
// error names the place, never the value.
func (s *Store) open(c sealedColumn, id, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	if s.key == nil {
		return "", errNoKey()
	}
	v, err := s.key.Open(sealed, c.context(id))
	if err != nil {
		return "", fmt.Errorf("个人信息无法解密（%s.%s，记录 %s）: %w", c.table, c.column, id, err)
	}
	return v, nil
}

// blindIndex is the index a look-up of v in column c compares with.
func (s *Store) blindIndex(c sealedColumn, v string) string {
	if s.key == nil {
		return ""
	}
	return s.key.BlindIndex(c.kind, c.normalize(v))
}

// FieldKeyID names the key the store seals with ("" without one).
func (s *Store) FieldKeyID() string {
	if s.key == nil {
		return ""
	}
	return s.key.ID()
}

// phoneSearch returns the blind index to look an organization up by, when
// the search text is a phone number (a mobile, or a landline with its area
// code) and the actor sees every phone in its scope whole (CanSeePhone:
// the admin, a county, an organization). For anyone else a number finds
// nothing, so a search cannot confirm whose a masked number is.
func (s *Store) phoneSearch(a zhuxiang.Actor, text string) string {
	if !zhuxiang.CanSearchByPhone(a) {
		return ""
	}
	if strings.Trim(text, "0123456789０１２３４５６７８９ -+()（）") != "" {
		return ""
	}
	d := zhuxiang.PhoneDigits(text)
	mobile := len(d) == 11 && d[0] == '1' && d[1] >= '3'
	landline := len(d) >= 10 && len(d) <= 12 && d[0] == '0'
	if !mobile && !landline {
		return ""
	}
	return s.blindIndex(orgPhone, d)
}

const fieldKeyName = "field"

// firstSealedKeyID is the key id in the first sealed value found; "" when
// the database holds none.
func (s *Store) firstSealedKeyID(ctx context.Context) (string, error) {
	for _, c := range sealedColumns {
		var v string
		err := s.w.QueryRowContext(ctx, `SELECT `+c.column+` FROM `+c.table+` WHERE `+c.column+` LIKE 'sm4g1:%' LIMIT 1`).Scan(&v)
		if err == nil {
			id, _ := secure.SealedKeyID(v)
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	return "", nil
}

// prepareFieldKey runs after the migrations: it refuses a key other than
// the one the database's values were sealed with, records the key's id and
// check value on first use, and seals any plaintext left from before
// encryption, in one transaction, so that it is idempotent and a crash
// leaves either all or none sealed. Then, on SQLite, it rewrites the file
// and empties the WAL, so that old pages with the plaintext are gone.
func (s *Store) prepareFieldKey(ctx context.Context) error {
	if s.key == nil {
		// Without a key the store may still serve a database that holds
		// nothing sealed (tools and tests that never touch personal data);
		// one that does cannot be read.
		id, err := s.firstSealedKeyID(ctx)
		if err != nil || id == "" {
			return err
		}
		return zhuxiang.Errorf(zhuxiang.EForbidden, "key", "数据库中的个人信息已用密钥 %s 加密，但未提供密钥：请用原密钥文件启动（--key-file、ZHUXIANG_KEY_FILE 或 ZHUXIANG_KEY）", id)
	}
	var keyID, check string
	err := s.w.QueryRowContext(ctx, `SELECT key_id, check_value FROM field_keys WHERE name = $1`, fieldKeyName).Scan(&keyID, &check)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	recorded := err == nil
	if !recorded {
		// No record, but values sealed under some key (the record was
		// lost): that key is the one to use.
		if keyID, err = s.firstSealedKeyID(ctx); err != nil {
			return err
		}
	}
	if keyID != "" && (keyID != s.key.ID() || recorded && check != s.key.Check()) {
		return zhuxiang.Errorf(zhuxiang.EForbidden, "key", "密钥不符：数据库中的个人信息是用密钥 %s 加密的，当前提供的是密钥 %s。请用原密钥文件启动（--key-file、ZHUXIANG_KEY_FILE 或 ZHUXIANG_KEY）；不要用新密钥覆盖，否则已加密的电话号码将无法读取", keyID, s.key.ID())
	}
	// Most starts find the key recorded and nothing to seal: no write.
	plain := false
	for _, c := range sealedColumns {
		var one int
		err := s.w.QueryRowContext(ctx, unsealedProbe(c)).Scan(&one)
		if err == nil {
			plain = true
			break
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if recorded && !plain {
		return nil
	}
	sealed := 0
	err = s.write(ctx, zhuxiang.SystemActor, func(tx *writeTx) error {
		if !recorded {
			if _, err := tx.ExecContext(ctx, `INSERT INTO field_keys (name, key_id, check_value, updated_at) VALUES ($1, $2, $3, $4)`,
				fieldKeyName, s.key.ID(), s.key.Check(), ts(s.Now())); err != nil {
				return err
			}
		}
		for _, c := range sealedColumns {
			n, err := s.resealColumn(ctx, tx, s.key, c, notSealed(c), func(id, v string) (string, error) { return v, nil })
			if err != nil {
				return err
			}
			sealed += n
		}
		// Binding the database to a key is recorded, whether or not there
		// was plaintext to seal.
		return tx.audit("seal", "field_key", s.key.ID(), map[string]int{"加密的个人信息": sealed})
	})
	if err != nil || sealed == 0 {
		return err
	}
	return s.scrub(ctx)
}

// unsealedProbe finds one value of c left in plaintext. Every start runs
// it; the partial indexes of migration 0009 make it one empty index probe
// instead of a full scan, as long as notSealed's text matches theirs.
func unsealedProbe(c sealedColumn) string {
	return `SELECT 1 FROM ` + c.table + ` WHERE ` + notSealed(c) + ` LIMIT 1`
}

// notSealed is the SQL condition for a value of c left in plaintext. A
// column added to sealedColumns gets a partial index on this condition.
func notSealed(c sealedColumn) string {
	return c.column + ` <> '' AND ` + c.column + ` NOT LIKE 'sm4g1:%'`
}

// resealColumn rewrites the values of column c that the SQL condition where
// selects, with their blind index, through plain (which opens them) and
// key k.
func (s *Store) resealColumn(ctx context.Context, tx *writeTx, k *secure.FieldKey, c sealedColumn, where string, plain func(id, v string) (string, error)) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, `+c.column+` FROM `+c.table+` WHERE `+where)
	if err != nil {
		return 0, err
	}
	type row struct{ id, v string }
	var todo []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.v); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	up, err := tx.PrepareContext(ctx, `UPDATE `+c.table+` SET `+c.column+` = $1, `+c.index+` = $2 WHERE id = $3`)
	if err != nil {
		return 0, err
	}
	defer up.Close()
	for _, r := range todo {
		p, err := plain(r.id, r.v)
		if err != nil {
			return 0, err
		}
		sv, idx, err := sealWith(k, c, r.id, p)
		if err != nil {
			return 0, err
		}
		if _, err := up.ExecContext(ctx, sv, idx, r.id); err != nil {
			return 0, err
		}
	}
	return len(todo), nil
}

// scrub removes old copies of rewritten values from the database files:
// on SQLite, VACUUM rewrites the file without its free pages and a
// truncating checkpoint empties the WAL; on PostgreSQL, VACUUM frees the
// dead row versions.
func (s *Store) scrub(ctx context.Context) error {
	if s.dialect == Postgres {
		for _, c := range sealedColumns {
			if _, err := s.w.ExecContext(ctx, `VACUUM `+c.table); err != nil {
				return err
			}
		}
		return nil
	}
	if _, err := s.w.ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("VACUUM: %w", err)
	}
	var busy, logged, done int
	if err := s.w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logged, &done); err != nil {
		return fmt.Errorf("wal_checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("wal_checkpoint: 数据库正被其他连接使用，预写日志未能清空；请停止其他进程后重试")
	}
	return nil
}

// Rekey re-seals every sealed column under next in one transaction, records
// next as the database's key, and scrubs the old values from the files.
// The store then seals with next; the operator must start with next's key
// file from now on (README: 更换密钥). Servers still running on the old key
// would go on sealing with it, so the service is stopped first.
func (s *Store) Rekey(ctx context.Context, next *secure.FieldKey) (int, error) {
	if s.key == nil {
		return 0, errNoKey()
	}
	old := s.key
	if next.ID() == old.ID() {
		return 0, zhuxiang.Errorf(zhuxiang.EInvalid, "key", "新密钥与当前密钥相同（%s）", old.ID())
	}
	total := 0
	// The rewrite opens with the old key and seals with next; the store
	// switches to next after the commit. Run it from the command line, not
	// while this store serves requests.
	err := s.write(ctx, zhuxiang.SystemActor, func(tx *writeTx) error {
		total = 0
		if s.dialect == Postgres {
			// No row may be sealed under the old key behind the rewrite's
			// back (SQLite's single writer already waits).
			var tables []string
			for _, c := range sealedColumns {
				tables = append(tables, c.table)
			}
			if _, err := tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(tables, ", ")+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
		}
		for _, c := range sealedColumns {
			n, err := s.resealColumn(ctx, tx, next, c, c.column+` <> ''`, func(id, v string) (string, error) { return s.open(c, id, v) })
			if err != nil {
				return err
			}
			total += n
		}
		if _, err := tx.ExecContext(ctx, `UPDATE field_keys SET key_id = $1, check_value = $2, updated_at = $3 WHERE name = $4`,
			next.ID(), next.Check(), ts(s.Now()), fieldKeyName); err != nil {
			return err
		}
		return tx.audit("rekey", "field_key", next.ID(), []Change{{Field: "密钥", Before: old.ID(), After: next.ID()}, {Field: "重新加密的个人信息", After: total}})
	})
	if err != nil {
		return 0, err
	}
	s.key = next
	return total, s.scrub(ctx)
}
