package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"zhuxiang/store"

	"zhuxiang/secure"
)

// defaultKeyFile is where the field key lives when nothing says otherwise:
// beside a SQLite database (P.key), or zhuxiang.key in the current folder
// for PostgreSQL, whose data lives elsewhere.
func defaultKeyFile(db string) string {
	if store.IsPostgresDSN(db) {
		return "zhuxiang.key"
	}
	return db + ".key"
}

// fieldKey is the key that seals personal data, found in this order: the
// --key-file flag, the key itself in ZHUXIANG_KEY, the file named by
// ZHUXIANG_KEY_FILE, the default file beside the database. When create is
// set and the file does not exist, a new key is written there (owner-only)
// and created is true; the caller removes it again if the database turns
// out to need another key.
func fieldKey(db, flagFile string, create bool) (k *secure.FieldKey, path string, created bool, err error) {
	if flagFile == "" {
		if v := os.Getenv("ZHUXIANG_KEY"); v != "" {
			k, err := secure.ParseFieldKey(v)
			if err != nil {
				return nil, "", false, fmt.Errorf("环境变量 ZHUXIANG_KEY：%w", err)
			}
			return k, "", false, nil
		}
	}
	path = flagFile
	if path == "" {
		path = os.Getenv("ZHUXIANG_KEY_FILE")
	}
	if path == "" {
		path = defaultKeyFile(db)
	}
	k, err = secure.LoadFieldKeyFile(path)
	switch {
	case err == nil:
		return k, path, false, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, path, false, err
	case !create:
		return nil, path, false, fmt.Errorf("找不到密钥文件 %s（用 --key-file、ZHUXIANG_KEY_FILE 或 ZHUXIANG_KEY 指定）", path)
	}
	k = secure.NewFieldKey()
	if err := secure.CreateFieldKeyFile(path, k); err != nil {
		return nil, path, false, fmt.Errorf("无法创建密钥文件 %s: %w", path, err)
	}
	return k, path, true, nil
}

// warnKeyFile tells the operator what to do about a key file: back up a new
// one; tighten one that others may read.
func warnKeyFile(w io.Writer, path string, created bool, k *secure.FieldKey) {
	if path == "" {
		return
	}
	if created {
		fmt.Fprintf(w, "已生成字段加密密钥 %s（文件 %s，仅所有者可读）。请立即备份此文件，并与数据库备份分开保存：丢失它，已加密的电话号码等个人信息将无法恢复。\n", k.ID(), path)
		return
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		fmt.Fprintf(w, "警告：密钥文件 %s 的权限为 %v，其他用户可读；请执行 chmod 600 %s\n", path, fi.Mode().Perm(), path)
	}
}

// keygen writes a new key file and refuses to overwrite one.
func keygen(path string, stdout io.Writer) error {
	k := secure.NewFieldKey()
	if err := secure.CreateFieldKeyFile(path, k); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("密钥文件 %s 已存在，不会覆盖（覆盖会丢失旧密钥）", path)
		}
		return err
	}
	fmt.Fprintf(stdout, "已生成密钥 %s：%s（仅所有者可读）。请备份此文件，并与数据库备份分开保存。\n", k.ID(), path)
	return nil
}
