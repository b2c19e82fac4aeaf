//go:build unix

package store

import (
	"os"
	"syscall"

	"zhuxiang"
)

// LockSQLite takes an advisory lock on the SQLite file at path: shared for
// every process that uses the database (the server, a command-line import),
// exclusive for a restore, which must not replace the file under a running
// server. The lock is flock(2) on the file itself, independent of SQLite's
// own fcntl locks; it is released by unlock or when the process ends.
func LockSQLite(path string, exclusive bool) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if exclusive {
			return nil, zhuxiang.Errorf(zhuxiang.EConflict, "db", "数据库 %s 正在被使用（zhuxiang serve 或其他命令正在运行），请先停止服务再恢复", path)
		}
		return nil, zhuxiang.Errorf(zhuxiang.EConflict, "db", "数据库 %s 正在恢复中，请稍后再试", path)
	}
	return func() { f.Close() }, nil
}
