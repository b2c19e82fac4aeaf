package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// command is one subcommand as the help shows it: the words that name it,
// its arguments and what it does, in one line.
type command struct {
	names []string
	args  string
	desc  string
}

// commands lists every subcommand, in the order the help lists them; the
// top-level help and each subcommand's --help are both made from it.
var commands = []command{
	{[]string{"serve"}, "[--addr 127.0.0.1:8080] [--db 路径|postgres://…] [--demo] [--base-url https://域名]",
		"启动平台；--base-url 为用户访问的地址（https 时 Cookie 带 Secure）"},
	{[]string{"migrate"}, "", "升级数据库结构"},
	{[]string{"demo"}, "[--scale prefecture|region]", "加载演示数据（仅空库）"},
	{[]string{"user add"}, "--name N --role R [--region 代码] [--org 信用代码] [--department 名称]", "新建账号（密码从标准输入读取）"},
	{[]string{"token create"}, "--user N", "签发接口令牌"},
	{[]string{"token revoke"}, "--user N", "吊销该账号的全部接口令牌"},
	{[]string{"import regions", "import orgs", "import pairings", "import projects"}, "文件 [--dry-run|--partial] [--json]",
		"导入行政区划、社会组织、已有结对或项目台账（CSV/XLSX）；默认有错全不存。项目台账每行一个项目，新建为草稿，" +
			"按“编号”或“牵头单位+项目名称”更新草稿；“牵头单位”填统一社会信用代码或组织全称"},
	{[]string{"export orgs"}, "文件.xlsx", "导出社会组织"},
	{[]string{"audit verify"}, "[--pub 公钥文件]", "校验审计日志哈希链及其签名检查点"},
	{[]string{"audit checkpoint"}, "", "立即签署一个审计日志检查点"},
	{[]string{"backup"}, "文件", "备份 SQLite 数据库（服务运行时也可）；PostgreSQL 用 pg_dump"},
	{[]string{"restore"}, "文件", "从备份恢复 SQLite 数据库（须先停止服务）；PostgreSQL 用 pg_restore"},
	{[]string{"keygen"}, "[文件]", "生成新的字段加密密钥文件（默认：数据库旁的 .key 文件）"},
	{[]string{"rekey"}, "--new-key 文件", "用新密钥重新加密全部个人信息（一个事务），之后改用新密钥文件"},
	{[]string{"match plan"}, "[--json]", "计算并保存全州对接方案，输出匹配数、覆盖重点村、总分与用时"},
	{[]string{"match export-dimacs"}, "文件", "把对接方案的最小费用流问题写成 DIMACS 文件（供 LEMON 等校验）"},
	{[]string{"bench match"}, "--needs N --offers M --candidates K [--seed S] [--dimacs 文件]",
		"在可复现的合成算例上测试方案求解器（可写出 DIMACS 文件供 LEMON 对照）：用时、峰值内存、最优费用"},
	{[]string{"help"}, "[命令]", "显示帮助；跟命令名时显示该命令的参数"},
}

// usageNotes follow the list of commands in the top-level help.
const usageNotes = `所有命令都接受 --db；默认取环境变量 ZHUXIANG_DB，否则为当前目录下的 zhuxiang.db。
serve、audit、backup、restore 接受 --sign-key（检查点签名密钥，默认 数据库文件名.sign.pem，环境变量 ZHUXIANG_SIGN_KEY）
和 --checkpoints（检查点文件，默认 数据库文件名.checkpoints，环境变量 ZHUXIANG_CHECKPOINTS）；
PostgreSQL 时默认为当前目录下的 zhuxiang.sign.pem 与 zhuxiang.checkpoints。
电话号码等个人信息用 SM4 加密保存，密钥不在数据库里：--key-file 文件，或环境变量 ZHUXIANG_KEY（密钥本身）、
ZHUXIANG_KEY_FILE；默认为数据库旁的“数据库文件名.key”（PostgreSQL 为当前目录下的 zhuxiang.key），
首次启动时自动生成。请备份密钥文件：丢失它，已加密的个人信息无法恢复。
角色: admin county department org village
每个命令的参数：zhuxiang 命令 --help，或 zhuxiang help 命令。
`

// printUsage writes the top-level help: every command with what it does.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "用法: zhuxiang <命令> [参数]\n\n助乡：社会组织助力乡村振兴工作平台。\n\n命令:\n")
	for _, c := range commands {
		name := c.names[0]
		if len(c.names) > 1 { // import regions|orgs|pairings|projects
			first, _, _ := strings.Cut(name, " ")
			var subs []string
			for _, n := range c.names {
				subs = append(subs, strings.TrimPrefix(n, first+" "))
			}
			name = first + " " + strings.Join(subs, "|")
		}
		fmt.Fprintf(w, "  %s\n      %s\n", strings.TrimSpace(name+" "+c.args), c.desc)
	}
	fmt.Fprint(w, "\n"+usageNotes)
}

// findCommand is the help entry of a command, by the words that name it.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if slices.Contains(c.names, name) {
			return c, true
		}
	}
	return command{}, false
}

// commandUsage writes one command's help: how to call it, what it does and
// its flags, in Chinese (the flag package's own text is English).
func commandUsage(w io.Writer, name string, fs *flag.FlagSet) {
	c, _ := findCommand(name)
	fmt.Fprintf(w, "用法: zhuxiang %s\n", strings.TrimSpace(name+" "+c.args))
	if c.desc != "" {
		fmt.Fprintf(w, "%s。\n", strings.TrimSuffix(c.desc, "。"))
	}
	printFlags(w, fs)
}

// printFlags lists a flag set's flags with their meaning and default.
func printFlags(w io.Writer, fs *flag.FlagSet) {
	type row struct{ left, usage string }
	var rows []row
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		left := "--" + f.Name
		kind, usage := flag.UnquoteUsage(f)
		if kind != "" {
			left += " " + flagKinds[kind]
		}
		switch f.DefValue {
		case "", "false", "0":
		default:
			usage += "（默认 " + f.DefValue + "）"
		}
		width = max(width, columns(left))
		rows = append(rows, row{left, usage})
	})
	if len(rows) == 0 {
		return
	}
	fmt.Fprint(w, "\n参数:\n")
	for _, r := range rows {
		fmt.Fprintf(w, "  %s%s  %s\n", r.left, strings.Repeat(" ", width-columns(r.left)), r.usage)
	}
}

// flagKinds names in Chinese the kinds of value flag.UnquoteUsage reports.
var flagKinds = map[string]string{"string": "文本", "int": "整数", "int64": "整数", "uint": "整数", "uint64": "整数",
	"float": "数", "duration": "时长", "value": "值"}

// parseFlags parses a command's flags. The flag package's messages are
// English, so it is kept quiet and its errors are said again in Chinese;
// --help prints the command's help and ends without error.
func parseFlags(fs *flag.FlagSet, name string, args []string, stdout, stderr io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		commandUsage(stdout, name, fs)
		return errHelpShown
	}
	fmt.Fprintf(stderr, "错误: %s\n\n", flagMessage(err))
	commandUsage(stderr, name, fs)
	return exitCode(2)
}

// errHelpShown ends a command whose help was asked for: nothing else runs,
// and the program exits 0.
var errHelpShown = errors.New("help shown")

// flagMessage says a flag package error in Chinese.
func flagMessage(err error) string {
	msg := err.Error()
	for _, t := range []struct{ prefix, say string }{
		{"flag provided but not defined: ", "没有参数 %s"},
		{"flag needs an argument: ", "参数 %s 需要一个值"},
		{"bad flag syntax: ", "参数写法有误：%s"},
	} {
		if rest, ok := strings.CutPrefix(msg, t.prefix); ok {
			return fmt.Sprintf(t.say, rest)
		}
	}
	// invalid value "x" for flag -n: parse error
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		if v, f, ok := strings.Cut(rest, " for flag "); ok {
			f, _, _ = strings.Cut(f, ":")
			return fmt.Sprintf("参数 %s 的值 %s 无效", f, v)
		}
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		if v, f, ok := strings.Cut(rest, " for "); ok {
			f, _, _ = strings.Cut(f, ":")
			return fmt.Sprintf("参数 %s 的值 %s 无效，应为 true 或 false", f, v)
		}
	}
	return "参数有误：" + msg
}
