package zhuxiang

import "time"

// AuditEntry is one line of the append-only audit log. Hash chains it to the
// entry before, so an edit or a deletion anywhere breaks verification.
type AuditEntry struct {
	Seq       int64
	At        time.Time
	ActorID   string
	ActorName string
	Op        string // create, update, delete, login, login_failed, logout, import, …
	Entity    string // org, region, user, department, session, …
	EntityID  string
	Summary   string // JSON: before/after of the changed fields, or a note
	PrevHash  string
	Hash      string
}

// AuditFilter selects audit entries for browsing.
type AuditFilter struct {
	ActorID   string
	Entity    string
	EntityID  string
	Op        string
	From, To  time.Time
	BeforeSeq int64 // keyset pagination: entries with a smaller sequence
	Limit     int
}

// AuditLabel is a code the audit log stores (an operation or a kind of
// object) with the Chinese words people read for it.
type AuditLabel struct {
	Code, Label string
}

// AuditOps is every operation the audit log records, in the order the audit
// page's filter offers them. The store refuses an entry whose operation is
// missing here, so a new operation cannot reach the log without its Chinese
// name. The status changes of needs and matches take their words from the
// lifecycle tables, as the buttons do.
var AuditOps = func() []AuditLabel {
	ops := []AuditLabel{{"create", "新增"}, {"update", "修改"}, {"import", "导入"}, {"import_create", "导入新增"}}
	for _, t := range NeedTransitions {
		ops = append(ops, AuditLabel{t.Name, t.Label})
	}
	ops = append(ops, AuditLabel{"match", "结对"})
	for _, t := range MatchTransitions {
		ops = append(ops, AuditLabel{t.Name, t.Label})
	}
	// A project step named like a need's (submit, approve) is listed once;
	// auditOpOn gives it the project's words.
	for _, t := range ProjectTransitions {
		if _, ok := findAuditLabel(ops, t.Name); !ok {
			ops = append(ops, AuditLabel{t.Name, t.Label})
		}
	}
	ops = append(ops, AuditLabel{"set_key", "设定重点项目"}, AuditLabel{"spend", "登记支出"})
	// A report's confirmation is named like a match's: auditOpOn gives it
	// the report's words.
	for _, t := range ReportTransitions {
		if _, ok := findAuditLabel(ops, t.Name); !ok {
			ops = append(ops, AuditLabel{t.Name, t.Label})
		}
	}
	for _, t := range BrandTransitions {
		if _, ok := findAuditLabel(ops, t.Name); !ok {
			ops = append(ops, AuditLabel{t.Name, t.Label})
		}
	}
	for _, t := range CaseTransitions {
		if _, ok := findAuditLabel(ops, t.Name); !ok {
			ops = append(ops, AuditLabel{t.Name, t.Label})
		}
	}
	ops = append(ops, AuditLabel{"add_photo", "添加照片"}, AuditLabel{"remove_photo", "删除照片"}, AuditLabel{"score", "评审打分"})
	return append(ops, []AuditLabel{
		{"lapse", "逾期失效"}, {"status", "修改状态"},
		{"login", "登录"}, {"login_failed", "登录失败"}, {"logout", "退出登录"}, {"change_password", "修改密码"},
		{"reset_password", "重置密码"}, {"disable", "停用账号"}, {"enable", "启用账号"},
		{"create_token", "签发接口令牌"}, {"revoke_tokens", "吊销接口令牌"},
		{"seed", "初始化"}, {"seal", "加密个人信息"}, {"rekey", "更换加密密钥"},
	}...)
}()

// AuditEntities is every kind of object the audit log names, in the order
// the filter offers them. The store's table of what each kind's writes
// invalidate must name the same kinds (a store test compares them).
var AuditEntities = []AuditLabel{
	{"need", "需求"}, {"offer", "资源"}, {"match", "对接意向"}, {"pairing", "结对"}, {"project", "帮扶项目"}, {"report", "进展报告"}, {"brand", "项目品牌"}, {"case_call", "案例征集"}, {"case", "案例"}, {"plan", "对接方案"},
	{"org", "社会组织"}, {"region", "行政区划"}, {"department", "部门"}, {"user", "用户"},
	{"settings", "匹配设置"}, {"field_key", "加密密钥"},
}

// auditOpOn names an operation whose plain name reads wrong on one kind of
// object: an interest is expressed, not "added".
var auditOpOn = map[[2]string]string{
	{"create", "match"}:     "表达对接意向",
	{"create", "plan"}:      "计算方案",
	{"status", "offer"}:     "修改资源状态",
	{"submit", "project"}:   "提交审批",
	{"approve", "project"}:  "批准立项",
	{"create", "report"}:    "提交进展报告",
	{"confirm", "report"}:   "确认报告",
	{"publish", "brand"}:    "发布品牌",
	{"withdraw", "brand"}:   "撤下品牌",
	{"submit", "case"}:      "提交案例",
	{"withdraw", "case"}:    "撤回案例",
	{"create", "case_call"}: "发起征集",
}

// AuditOpLabel is the Chinese name of an operation on a kind of object
// (entity may be empty), and whether the operation is known.
func AuditOpLabel(op, entity string) (string, bool) {
	if l, ok := auditOpOn[[2]string{op, entity}]; ok {
		return l, true
	}
	return findAuditLabel(AuditOps, op)
}

// AuditEntityLabel is the Chinese name of a kind of object, and whether
// the kind is known.
func AuditEntityLabel(entity string) (string, bool) {
	return findAuditLabel(AuditEntities, entity)
}

func findAuditLabel(list []AuditLabel, code string) (string, bool) {
	for _, l := range list {
		if l.Code == code {
			return l.Label, true
		}
	}
	return code, false
}

// SystemName is how the system appears wherever a page names who did
// something: the actor of the command line and of the server's own jobs.
const SystemName = "系统"

// ActorLabel is the name a page shows for who did something. The system
// was recorded as "system" or "系统（命令行）" before it was called 系统;
// an audit entry is never rewritten, so old names are translated here.
func ActorLabel(name string) string {
	switch name {
	case "system", "系统（命令行）":
		return SystemName
	}
	return name
}
