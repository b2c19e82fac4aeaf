// Command zhuxiang runs the 助乡 platform: the web server and the
// maintenance commands (migrations, demo data, accounts, imports, exports,
// audit verification). It only wires packages together.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"zhuxiang"
	"zhuxiang/demo"
	"zhuxiang/importer"
	"zhuxiang/secure"
	"zhuxiang/sheet"
	"zhuxiang/store"
	"zhuxiang/web"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "错误:", zhuxiangMessage(err))
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no further message.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

func zhuxiangMessage(err error) string {
	if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
		return err.Error()
	}
	return zhuxiang.ErrorMessage(err)
}

func defaultDB() string {
	if v := os.Getenv("ZHUXIANG_DB"); v != "" {
		return v
	}
	return "zhuxiang.db"
}

// reorder moves flags after positional arguments to the front, so that
// "import orgs file.xlsx --dry-run" works as people type it.
func reorder(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") {
				if f := fs.Lookup(name); f != nil {
					if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !bf.IsBoolFlag() {
						if i+1 < len(args) {
							flags = append(flags, args[i+1])
							i++
						}
					}
				}
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

// open opens and migrates the database with its field key (fieldKey); a
// key file made for a database that turns out to need another key is
// removed again, so that it cannot be mistaken for the right one.
func open(ctx context.Context, dsn, keyFile string, createKey bool, stderr io.Writer) (*store.Store, error) {
	key, path, created, err := fieldKey(dsn, keyFile, createKey)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, dsn, store.WithFieldKey(key))
	if err == nil {
		if err = st.Migrate(ctx); err != nil {
			st.Close()
		}
	}
	if err != nil {
		if created {
			os.Remove(path)
		}
		return nil, err
	}
	warnKeyFile(stderr, path, created, key)
	return st, nil
}

// run runs the command args name, as main does with the program's arguments.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := runCommand(ctx, args, stdin, stdout, stderr)
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

func runCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 1 && args[0] == "help" { // zhuxiang help import orgs
		return run(ctx, append(args[1:], "--help"), stdin, stdout, stderr)
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		return nil
	}
	cmd, rest := args[0], args[1:]
	if (cmd == "user" || cmd == "token" || cmd == "import" || cmd == "export" || cmd == "audit" || cmd == "match" || cmd == "bench") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	// parse reads the command's flags; asked for --help, it shows the
	// command's help and the command stops there (errHelpShown).
	parse := func() error { return parseFlags(fs, cmd, reorder(fs, rest), stdout, stderr) }
	db := fs.String("db", defaultDB(), "数据库：SQLite 文件路径或 postgres:// URL")
	var signKey, checkpoints *string
	if cmd == "serve" || cmd == "restore" || strings.HasPrefix(cmd, "audit") || cmd == "backup" {
		signKey = fs.String("sign-key", "", "审计检查点签名密钥文件（默认 数据库文件名.sign.pem）")
		checkpoints = fs.String("checkpoints", "", "审计检查点文件（默认 数据库文件名.checkpoints）")
	}
	// auditPaths are the signing key and checkpoints files, after parsing.
	auditPaths := func() (string, string) { return auditFiles(*db, *signKey, *checkpoints) }
	keyFile := fs.String("key-file", "", "字段加密密钥文件（默认：ZHUXIANG_KEY、ZHUXIANG_KEY_FILE，或数据库旁的 .key 文件）")
	// with parses the flags, opens and migrates the database and runs fn.
	// A database without a key gets one made beside it, except by rekey,
	// which must re-encrypt under the key already in use.
	with := func(fn func(st *store.Store) error) error {
		if err := parse(); err != nil {
			return err
		}
		if !store.IsPostgresDSN(*db) && *db != ":memory:" {
			// A restore must not replace the file under a running command.
			unlock, err := store.LockSQLite(*db, false)
			if err != nil {
				return err
			}
			defer unlock()
		}
		st, err := open(ctx, *db, *keyFile, cmd != "rekey", stderr)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(st)
	}
	switch cmd {
	case "serve":
		addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
		withDemo := fs.Bool("demo", false, "空库时先加载演示数据")
		baseURL := fs.String("base-url", "", "用户访问平台的地址，如 https://zhuxiang.example.gov.cn（在 nginx 等反向代理后用 HTTPS 时必填）")
		if err := parse(); err != nil {
			return err
		}
		// Checked before the database is opened, so a typo costs nothing.
		var base *url.URL
		if *baseURL != "" {
			var err error
			if base, err = web.ParseBaseURL(*baseURL); err != nil {
				return err
			}
		}
		return with(func(st *store.Store) error {
			keyPath, cpPath := auditPaths()
			key, err := loadOrCreateKey(keyPath, stdout)
			if err != nil {
				return err
			}
			return serve(ctx, st, *db, *addr, base, *withDemo, &checkpointer{st: st, key: key, path: cpPath}, stdout)
		})
	case "migrate":
		return with(func(*store.Store) error {
			fmt.Fprintln(stdout, "数据库结构已是最新：", *db)
			return nil
		})
	case "demo":
		scale := fs.String("scale", "prefecture", "规模：prefecture（数百个组织）或 region（10万个组织）")
		return with(func(st *store.Store) error {
			res, err := demo.Load(ctx, st, *scale, stdout)
			if err != nil {
				return err
			}
			printAccounts(stdout, res.Accounts)
			return nil
		})
	case "user add":
		name := fs.String("name", "", "登录名")
		display := fs.String("display", "", "显示名称")
		role := fs.String("role", "", "角色：admin county department org village")
		region := fs.String("region", "", "县市或村的区划代码（county、village 角色）")
		org := fs.String("org", "", "社会组织的统一社会信用代码（org 角色）")
		dept := fs.String("department", "", "部门名称（department 角色）")
		return with(func(st *store.Store) error {
			r, ok := zhuxiang.ParseRole(*role)
			if !ok {
				return fmt.Errorf("角色“%s”无效，应为 admin county department org village", *role)
			}
			pw, err := bufio.NewReader(stdin).ReadString('\n')
			if err != nil && pw == "" {
				return fmt.Errorf("请从标准输入提供初始密码")
			}
			u, err := st.CreateUser(ctx, zhuxiang.SystemActor, store.NewUser{Name: *name, DisplayName: *display, Role: r, RegionCode: *region, OrgCode: *org, Department: *dept, Password: strings.TrimRight(pw, "\r\n")})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已创建账号 %s（%s），首次登录须修改密码\n", u.Name, u.Role.Label())
			return nil
		})
	case "token create", "token revoke":
		user := fs.String("user", "", "登录名")
		return with(func(st *store.Store) error {
			if cmd == "token revoke" {
				n, err := st.RevokeAPITokens(ctx, zhuxiang.SystemActor, *user)
				if err != nil {
					return err
				}
				fmt.Fprintf(stdout, "已吊销 %s 的 %d 个接口令牌\n", *user, n)
				return nil
			}
			tok, err := st.CreateAPIToken(ctx, zhuxiang.SystemActor, *user)
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, tok)
			return nil
		})
	case "import regions", "import orgs", "import pairings", "import projects":
		dry := fs.Bool("dry-run", false, "只校验，不保存")
		partial := fs.Bool("partial", false, "保存无误的行，列出出错的行（默认：有一行出错就全部不保存）")
		asJSON := fs.Bool("json", false, "以 JSON 输出结果")
		return with(func(st *store.Store) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("请指定要导入的文件")
			}
			mode := zhuxiang.ImportAll
			switch {
			case *dry && *partial:
				return fmt.Errorf("--dry-run 与 --partial 只能选一个")
			case *dry:
				mode = zhuxiang.ImportDryRun
			case *partial:
				mode = zhuxiang.ImportPartial
			}
			return importFile(ctx, st, cmd, fs.Arg(0), mode, *asJSON, stdout, stderr)
		})
	case "export orgs":
		return with(func(st *store.Store) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("请指定导出文件名，如 orgs.xlsx")
			}
			f, err := os.Create(fs.Arg(0))
			if err != nil {
				return err
			}
			if err := importer.ExportOrgs(ctx, st, zhuxiang.SystemActor, store.OrgFilter{}, f); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "已导出：", fs.Arg(0))
			return nil
		})
	case "bench match":
		return cmdBenchMatch(rest, stdout, stderr)
	case "match plan":
		asJSON := fs.Bool("json", false, "以 JSON 输出")
		return with(func(st *store.Store) error { return matchAllocate(ctx, st, *asJSON, stdout, stderr) })
	case "match export-dimacs":
		return with(func(st *store.Store) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("用法: zhuxiang match export-dimacs 文件")
			}
			return exportDIMACS(ctx, st, fs.Arg(0), stdout)
		})
	case "keygen":
		if err := parse(); err != nil {
			return err
		}
		path := fs.Arg(0)
		if path == "" {
			path = defaultKeyFile(*db)
		}
		return keygen(path, stdout)
	case "rekey":
		newKey := fs.String("new-key", "", "新密钥文件（先用 zhuxiang keygen 生成）")
		return with(func(st *store.Store) error {
			if *newKey == "" {
				return fmt.Errorf("请用 --new-key 指定新密钥文件（先用 zhuxiang keygen 新文件 生成）")
			}
			next, err := secure.LoadFieldKeyFile(*newKey)
			if err != nil {
				return err
			}
			old := st.FieldKeyID()
			n, err := st.Rekey(ctx, next)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已用新密钥 %s 重新加密 %d 项个人信息（原密钥 %s）。\n", next.ID(), n, old)
			fmt.Fprintf(stdout, "数据库现在只认新密钥：请先备份 %s，再用它替换原密钥文件（或改 --key-file、ZHUXIANG_KEY_FILE、ZHUXIANG_KEY），然后重启服务。\n", *newKey)
			return nil
		})
	case "audit verify":
		pub := fs.String("pub", "", "校验用的公钥文件（默认用签名密钥文件的公钥）")
		return with(func(st *store.Store) error {
			keyPath, cpPath := auditPaths()
			return auditVerify(ctx, st, keyPath, cpPath, *pub, stdout)
		})
	case "audit checkpoint":
		return with(func(st *store.Store) error {
			keyPath, cpPath := auditPaths()
			key, err := loadOrCreateKey(keyPath, stdout)
			if err != nil {
				return err
			}
			cp, _, err := (&checkpointer{st: st, key: key, path: cpPath}).write(ctx, true)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "已写入检查点：共 %d 条，链头哈希 %.16s…，写入 %s\n", cp.Size, cp.Head, cpPath)
			return nil
		})
	case "backup":
		return with(func(st *store.Store) error {
			if fs.NArg() != 1 {
				return fmt.Errorf("请指定备份文件名，如 zhuxiang backup zhuxiang-20261203.db")
			}
			if err := store.BackupSQLite(ctx, *db, fs.Arg(0)); err != nil {
				return err
			}
			fmt.Fprintln(stdout, "已备份到", fs.Arg(0))
			keyPath, cpPath := auditPaths()
			backupNote(stdout, keyPath, cpPath)
			return nil
		})
	case "restore":
		if err := parse(); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("请指定要恢复的备份文件")
		}
		keyPath, cpPath := auditPaths()
		return restore(ctx, *db, fs.Arg(0), keyPath, cpPath, *keyFile, stdout)
	}
	fmt.Fprintf(stderr, "错误: 没有命令“%s”\n\n", cmd)
	printUsage(stderr)
	return exitCode(2)
}

func importFile(ctx context.Context, st *store.Store, cmd, path string, mode zhuxiang.ImportMode, asJSON bool, stdout, stderr io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("无法打开文件 %s: %v", path, err)
	}
	defer f.Close()
	start := time.Now()
	t, err := sheet.Read(f, path, sheet.DefaultLimits())
	var res *zhuxiang.ImportResult
	if err == nil {
		ctx, clearProgress := withTerminalProgress(ctx, stderr)
		switch cmd {
		case "import regions":
			res, err = importer.Regions(ctx, st, zhuxiang.SystemActor, t, mode)
		case "import pairings":
			res, err = importer.Pairings(ctx, st, zhuxiang.SystemActor, t, mode)
		case "import projects":
			res, err = importer.Projects(ctx, st, zhuxiang.SystemActor, t, mode)
		default:
			res, err = importer.Orgs(ctx, st, zhuxiang.SystemActor, t, mode)
		}
		clearProgress()
	}
	if err != nil {
		if zhuxiang.ErrorCodeOf(err) == zhuxiang.EInternal {
			return err
		}
		// A file-level problem is reported as one rejected "row 0" so that
		// scripts reading --json see the same shape.
		res = &zhuxiang.ImportResult{Rejected: []zhuxiang.RowError{{Row: 0, Field: zhuxiang.ErrorField(err), Message: zhuxiang.ErrorMessage(err)}}}
	}
	if asJSON {
		if res.Rejected == nil {
			res.Rejected = []zhuxiang.RowError{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			return err
		}
	} else {
		for _, r := range res.Rejected {
			if r.Row == 0 {
				fmt.Fprintf(stdout, "文件：%s\n", r.Message)
			} else {
				fmt.Fprintf(stdout, "第%d行 %s：%s\n", r.Row, r.Field, r.Message)
			}
		}
		for _, w := range res.Warnings {
			fmt.Fprintf(stdout, "提示 第%d行 %s：%s\n", w.Row, w.Field, w.Message)
		}
		counts := res.Counts()
		switch {
		case len(res.Rejected) > 0 && res.Stored:
			fmt.Fprintf(stdout, "共 %d 行：%d 行有误未保存；其余%s\n", res.Rows, len(res.Rejected), counts)
		case len(res.Rejected) > 0 && mode == zhuxiang.ImportDryRun:
			fmt.Fprintf(stdout, "共 %d 行：%d 行有误；无误的 %d 行将%s（--dry-run，未保存）\n", res.Rows, len(res.Rejected), res.Valid, counts)
		case len(res.Rejected) > 0:
			fmt.Fprintf(stdout, "共 %d 行：%d 行有误，其余 %d 行无误；为免只导入一半，未保存任何数据\n", res.Rows, len(res.Rejected), res.Valid)
		case mode == zhuxiang.ImportDryRun:
			fmt.Fprintf(stdout, "共 %d 行，全部通过校验：将%s（--dry-run，未保存）\n", res.Rows, counts)
		default:
			fmt.Fprintf(stdout, "共 %d 行：%s，用时 %s\n", res.Rows, counts, zhuxiang.Elapsed(time.Since(start)))
		}
	}
	if len(res.Rejected) > 0 {
		return exitCode(1)
	}
	return nil
}

// redactDSN hides the password of a postgres:// URL before it is printed.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return dsn
}

func printAccounts(w io.Writer, accounts []demo.Account) {
	if len(accounts) == 0 {
		return
	}
	fmt.Fprintf(w, "演示账号（密码均为 %s）：\n", demo.Password)
	for _, a := range accounts {
		fmt.Fprintf(w, "  %-10s %-8s %s\n", a.Name, a.Role.Label(), a.Scope)
	}
}

func serve(ctx context.Context, st *store.Store, db, addr string, base *url.URL, withDemo bool, cp *checkpointer, stdout io.Writer) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// The live heap is small (tens of MB) and every page makes short-lived
	// garbage: collecting less often spends memory, which the machine has,
	// to save CPU, which it lacks (the collector was a tenth of the list
	// page's CPU under load). A GOGC set in the environment still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	var accounts []demo.Account
	if withDemo {
		p, err := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Limit: 1})
		if err != nil {
			return err
		}
		if p.Total == 0 {
			res, err := demo.Load(ctx, st, "prefecture", stdout)
			if err != nil {
				return err
			}
			accounts = res.Accounts
		} else {
			fmt.Fprintln(stdout, "数据库已有数据，未重复加载演示数据")
		}
	}
	srv, err := web.NewServer(st, web.Options{Logger: logger, BaseURL: base, VerifyAudit: cp.verify})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if pp := os.Getenv("ZHUXIANG_PPROF"); pp != "" {
		// Profiling for load runs, on its own listener so that it is
		// never reachable through the public address.
		go func() {
			mux := http.NewServeMux()
			mux.HandleFunc("/debug/pprof/", pprof.Index)
			mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
			logger.Info("pprof", "addr", pp, "err", http.ListenAndServe(pp, mux))
		}()
	}
	if base != nil {
		fmt.Fprintf(stdout, "助乡已启动：%s/  （监听 %s，数据库：%s）\n", base, ln.Addr(), redactDSN(db))
	} else {
		fmt.Fprintf(stdout, "助乡已启动：http://%s/  （数据库：%s）\n", ln.Addr(), redactDSN(db))
	}
	if withDemo {
		if len(accounts) == 0 {
			fmt.Fprintf(stdout, "演示账号：admin、hejing、ruoqiang、kuerle、kexie、org、village（密码 %s）\n", demo.Password)
		}
		printAccounts(stdout, accounts)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go lapseLoop(ctx, st, logger)
	go cp.loop(ctx, checkpointInterval, logger)
	go func() {
		// The search index is built from the database at start, so that no
		// user waits for it at the first search.
		start := time.Now()
		if err := st.WarmSearch(ctx); err != nil {
			logger.Warn("search index", "err", err)
			return
		}
		logger.Info("search index ready", "took", time.Since(start).Round(time.Millisecond))
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := srv.Shutdown(sctx)
		// The last writes are in; sign them before the process ends.
		if c, wrote, cerr := cp.write(context.Background(), false); cerr != nil {
			logger.Error("audit checkpoint at shutdown", "err", cerr)
		} else if wrote {
			logger.Info("audit checkpoint at shutdown", "entries", c.Size, "file", cp.path)
		}
		return err
	}
}
