package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhuxiang"
)

// IsPostgresDSN tells whether dsn names a PostgreSQL database rather than
// a SQLite file, as Open decides.
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// BackupSQLite writes a consistent copy of the SQLite database at path to
// dest with VACUUM INTO, which reads inside one transaction: the server can
// keep running and writing, and the copy holds every write committed before
// it began and none after. It uses a connection of its own, since the
// store's readers are query-only and its one writer must stay free for
// the server. An existing dest is never overwritten.
func BackupSQLite(ctx context.Context, path, dest string) error {
	if IsPostgresDSN(path) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "db", "PostgreSQL 数据库请用 pg_dump 备份，例如：pg_dump -Fc -f 备份文件 '%s'", path)
	}
	if _, err := os.Stat(path); err != nil {
		return zhuxiang.Errorf(zhuxiang.ENotFound, "db", "数据库文件 %s 不存在", path)
	}
	if _, err := os.Lstat(dest); err == nil {
		return zhuxiang.Errorf(zhuxiang.EConflict, "file", "备份文件 %s 已存在，请换一个文件名", dest)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO $1`, dest); err != nil {
		os.Remove(dest)
		return fmt.Errorf("备份失败: %w", err)
	}
	return syncFile(dest)
}

// StageRestore copies the backup at src next to the database at path (to
// path + ".restoring"), synced to disk, so that it can be opened and checked
// before it replaces anything, and then renamed into place in one step.
func StageRestore(src, path string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", zhuxiang.Errorf(zhuxiang.ENotFound, "file", "无法打开备份文件 %s：%v", src, err)
	}
	defer in.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(in, head); err != nil || string(head) != "SQLite format 3\x00" {
		return "", zhuxiang.Errorf(zhuxiang.EInvalid, "file", "%s 不是 SQLite 数据库备份", src)
	}
	if _, err := in.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	tmp := path + ".restoring"
	for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
		os.Remove(p) // left by an earlier restore that failed
	}
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return "", err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return "", err
	}
	return tmp, out.Close()
}

// ReplaceSQLite puts the staged copy tmp in place of the database at path.
// The database it replaces is not deleted: it and its WAL are renamed to
// path + ".before-restore-TIME" (returned), so that a mistaken restore can
// be undone. The caller must hold the database's exclusive lock (LockSQLite).
func ReplaceSQLite(tmp, path string, now time.Time) (string, error) {
	var archived string
	if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
		os.Remove(path) // made by the lock on a first restore: nothing to keep
	} else if err == nil {
		archived = path + ".before-restore-" + now.UTC().Format("20060102T150405Z")
		for _, suffix := range []string{"-wal", "-shm", ""} {
			if err := os.Rename(path+suffix, archived+suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return "", err
			}
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return archived, err
	}
	return archived, syncDir(filepath.Dir(path))
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	d.Sync() // not every file system syncs directories; the rename stands either way
	return nil
}
