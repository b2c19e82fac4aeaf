package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"zhuxiang/secure"
	"zhuxiang/store"
)

// checkpointInterval is how often the server signs the chain's head when
// it has moved: entries written since the last checkpoint are protected by
// the hash chain only, so this bounds what a deleted tail can lose unseen.
const checkpointInterval = 10 * time.Minute

// auditFiles says where the signing key and the checkpoints file are: the
// flag, else the environment, else beside the SQLite file (P.sign.pem,
// P.checkpoints), or in the current directory for PostgreSQL.
func auditFiles(db, keyFlag, cpFlag string) (key, checkpoints string) {
	base := db
	if store.IsPostgresDSN(db) {
		base = "zhuxiang"
	}
	pick := func(flag, env, def string) string {
		if flag != "" {
			return flag
		}
		if v := os.Getenv(env); v != "" {
			return v
		}
		return def
	}
	return pick(keyFlag, "ZHUXIANG_SIGN_KEY", base+".sign.pem"), pick(cpFlag, "ZHUXIANG_CHECKPOINTS", base+".checkpoints")
}

// loadOrCreateKey loads the signing key, creating it on first use with a
// word to the operator: without a copy elsewhere, a lost key means no more
// checkpoints, and a key left beside the database protects nothing from
// whoever takes both.
func loadOrCreateKey(path string, stdout io.Writer) (*sm2.PrivateKey, error) {
	key, created, err := secure.LoadOrCreateSigningKey(path)
	if err != nil {
		return nil, fmt.Errorf("审计检查点签名密钥 %s: %w", path, err)
	}
	if created {
		fmt.Fprintf(stdout, "已生成审计检查点签名密钥 %s（公钥 %s）。请立即把这两个文件备份到数据库以外的地方；校验审计日志需要公钥，丢失私钥就无法再签署检查点。\n", path, secure.PublicKeyPath(path))
	}
	return key, nil
}

// checkpointer signs the chain's head into the checkpoints file; the server
// runs one at an interval and once more at shutdown.
type checkpointer struct {
	st   *store.Store
	key  *sm2.PrivateKey
	path string
	mu   sync.Mutex
	last *secure.Checkpoint
	read bool
}

// verify checks the chain against the checkpoints file with the server's
// own key, as `zhuxiang audit verify` does, for the audit page's button.
func (c *checkpointer) verify(ctx context.Context) (store.AuditVerifyResult, error) {
	cps, err := secure.ReadCheckpoints(c.path)
	if errors.Is(err, fs.ErrNotExist) {
		// The server signs a checkpoint as soon as it starts.
		res, err := c.st.VerifyAudit(ctx)
		if err == nil && res.OK() {
			res.Reason = fmt.Sprintf("检查点文件 %s 不存在：它被删除或移走了，日志是否被改写已无从核对", c.path)
		}
		return res, err
	}
	if err != nil {
		return store.AuditVerifyResult{Reason: err.Error()}, nil
	}
	return c.st.VerifyAuditCheckpoints(ctx, cps, &c.key.PublicKey)
}

// write signs the current head unless it is the one last signed (always,
// with force) and appends it to the file; it reports whether it wrote.
func (c *checkpointer) write(ctx context.Context, force bool) (*secure.Checkpoint, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.read {
		cps, err := secure.ReadCheckpoints(c.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, false, err
		}
		// Continue from the newest line this key signed: a line it did
		// not sign must not decide what the next checkpoint vouches for.
		var mine []secure.Checkpoint
		for _, cp := range cps {
			if cp.Verify(&c.key.PublicKey) {
				mine = append(mine, cp)
			}
		}
		c.last, c.read = secure.LastCheckpoint(mine), true
	}
	cp, err := c.st.SignAuditCheckpoint(ctx, c.key, c.last)
	if err != nil {
		return nil, false, err
	}
	if !force && c.last != nil && c.last.Size == cp.Size && c.last.Head == cp.Head {
		return c.last, false, nil
	}
	if err := secure.AppendCheckpoint(c.path, cp); err != nil {
		return nil, false, fmt.Errorf("写入检查点文件 %s: %w", c.path, err)
	}
	c.last = &cp
	return &cp, true, nil
}

// loop writes a checkpoint at start and then every interval when the head
// has moved, until ctx ends.
func (c *checkpointer) loop(ctx context.Context, interval time.Duration, logger *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if cp, wrote, err := c.write(ctx, false); err != nil {
			if ctx.Err() != nil {
				return
			}
			logger.Error("audit checkpoint", "err", err)
		} else if wrote {
			logger.Info("audit checkpoint", "entries", cp.Size, "file", c.path)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// auditVerify checks the chain against the checkpoints file with the
// public key (pubPath, else the public half of the signing key file).
func auditVerify(ctx context.Context, st *store.Store, keyPath, cpPath, pubPath string, stdout io.Writer) error {
	cps, err := secure.ReadCheckpoints(cpPath)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		fmt.Fprintf(stdout, "BROKEN: %v\n", err)
		return exitCode(1)
	}
	verifyKey := pubPath
	if verifyKey == "" {
		verifyKey = keyPath
	}
	_, keyErr := os.Stat(verifyKey)
	if missing {
		if keyErr == nil {
			// The server writes a checkpoint as soon as it makes the key.
			fmt.Fprintf(stdout, "BROKEN: 检查点文件 %s 不存在，但签名密钥 %s 存在：检查点文件被删除或移走（可用 --checkpoints 指定其位置）\n", cpPath, verifyKey)
			return exitCode(1)
		}
		res, err := st.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		if !res.OK() {
			fmt.Fprintf(stdout, "BROKEN at entry %d: %s（共检查 %d 条）\n", res.BrokenAt, res.Reason, res.Entries)
			return exitCode(1)
		}
		fmt.Fprintf(stdout, "OK %d entries\n注意：没有检查点文件 %s，只核对了哈希链本身；改写整条链或删除末尾记录不会被发现。启动 zhuxiang serve 或运行 zhuxiang audit checkpoint 即开始签署检查点。\n", res.Entries, cpPath)
		return nil
	}
	if keyErr != nil {
		return fmt.Errorf("找不到校验检查点所需的密钥 %s（可用 --pub 指定保存在别处的公钥文件）", verifyKey)
	}
	pub, err := secure.LoadVerifyKey(verifyKey)
	if err != nil {
		return err
	}
	res, err := st.VerifyAuditCheckpoints(ctx, cps, pub)
	if err != nil {
		return err
	}
	switch {
	case res.BrokenAt != 0:
		fmt.Fprintf(stdout, "BROKEN at entry %d: %s（共检查 %d 条）\n", res.BrokenAt, res.Reason, res.Entries)
		return exitCode(1)
	case !res.OK():
		fmt.Fprintf(stdout, "BROKEN: %s（哈希链共 %d 条，与 %d 个检查点相符）\n", res.Reason, res.Entries, res.Checkpoints)
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "OK %d entries, %d checkpoints\n", res.Entries, res.Checkpoints)
	if last := secure.LastCheckpoint(cps); last != nil && last.Size < res.Entries {
		fmt.Fprintf(stdout, "注意：第%d条以后的 %d 条记录尚无检查点，只核对了哈希链\n", last.Size, res.Entries-last.Size)
	}
	return nil
}

// restore replaces the SQLite database at db with the backup at src. The
// server must be stopped (the exclusive lock says so). The backup is
// checked before anything is replaced: its chain must verify against the
// signed checkpoints it is old enough to be covered by. Checkpoints newer
// than the backup describe entries the restore drops: the old file is kept
// under another name and the new one holds the lines that still apply, and
// a fresh checkpoint of the restored head.
//
// The backup holds personal data sealed with the installation's field key,
// which is never in a backup: the key of the database being restored is
// used (its file beside it, or --key-file), and a backup it cannot open is
// refused before anything is replaced.
func restore(ctx context.Context, db, src, keyPath, cpPath, fieldKeyFile string, stdout io.Writer) error {
	if store.IsPostgresDSN(db) {
		return fmt.Errorf("PostgreSQL 数据库请用 pg_restore 恢复，例如：pg_restore --clean --if-exists -d '%s' 备份文件（见 README）", redactDSN(db))
	}
	unlock, err := store.LockSQLite(db, true)
	if err != nil {
		return err
	}
	defer unlock()
	tmp, err := store.StageRestore(src, db)
	if err != nil {
		return err
	}
	defer func() {
		for _, p := range []string{tmp, tmp + "-wal", tmp + "-shm"} {
			os.Remove(p)
		}
	}()
	if fieldKeyFile == "" && os.Getenv("ZHUXIANG_KEY") == "" && os.Getenv("ZHUXIANG_KEY_FILE") == "" {
		fieldKeyFile = defaultKeyFile(db)
	}
	st, err := open(ctx, tmp, fieldKeyFile, false, io.Discard)
	if err != nil {
		return fmt.Errorf("备份文件 %s 无法打开: %w", src, err)
	}
	res, err := st.VerifyAudit(ctx)
	if err != nil {
		st.Close()
		return err
	}
	var keep, drop []secure.Checkpoint
	cps, cpErr := secure.ReadCheckpoints(cpPath)
	if cpErr != nil && !errors.Is(cpErr, fs.ErrNotExist) {
		st.Close()
		return cpErr
	}
	if len(cps) > 0 && res.OK() {
		pub, err := secure.LoadVerifyKey(keyPath)
		if err != nil {
			st.Close()
			return fmt.Errorf("校验备份需要签名密钥 %s: %w", keyPath, err)
		}
		for _, c := range cps {
			if c.Size <= res.Entries {
				keep = append(keep, c)
			} else {
				drop = append(drop, c)
			}
		}
		res, err = st.VerifyAuditCheckpoints(ctx, keep, pub)
		if err != nil {
			st.Close()
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("备份 %s 的审计日志校验不通过，未恢复：%s", src, res.Reason)
	}
	archived, err := store.ReplaceSQLite(tmp, db, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已从 %s 恢复数据库 %s（审计日志 %d 条，校验无误）\n", src, db, res.Entries)
	if archived != "" {
		fmt.Fprintf(stdout, "原数据库已改名保存为 %s\n", archived)
	}
	if len(drop) > 0 {
		old := cpPath + ".before-restore-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(cpPath, old); err != nil {
			return err
		}
		for _, c := range keep {
			if err := secure.AppendCheckpoint(cpPath, c); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "检查点文件中 %d 个检查点晚于备份（记录了恢复时丢弃的日志），原文件已改名保存为 %s\n", len(drop), old)
	}
	if _, err := os.Stat(keyPath); err != nil {
		return nil // no key yet: the server makes one and checkpoints at start
	}
	key, err := secure.LoadSigningKey(keyPath)
	if err != nil {
		return err
	}
	st, err = open(ctx, db, fieldKeyFile, false, io.Discard)
	if err != nil {
		return err
	}
	defer st.Close()
	cp := &checkpointer{st: st, key: key, path: cpPath}
	if _, _, err := cp.write(ctx, false); err != nil {
		return err
	}
	return nil
}

// backupNote tells the operator what a database backup does not hold.
func backupNote(w io.Writer, keyPath, cpPath string) {
	fmt.Fprintf(w, "另请把审计检查点文件 %s 和签名密钥 %s（及公钥 %s）复制到数据库以外的地方：它们不在备份里，校验审计日志需要它们。\n",
		cpPath, keyPath, secure.PublicKeyPath(keyPath))
}
