package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"zhuxiang"
	"zhuxiang/secure"
)

const userCols = `id, name, display_name, role, region_code, county_code, COALESCE(org_id, ''), COALESCE(department_id, ''), must_change, failed_logins, locked_until, disabled, created_at, version`

// scanUser reads the userCols columns, then any extra ones into extra.
func scanUser(sc interface{ Scan(...any) error }, extra ...any) (*zhuxiang.User, error) {
	var u zhuxiang.User
	var role, locked, created string
	var must, disabled int
	dest := append([]any{&u.ID, &u.Name, &u.DisplayName, &role, &u.RegionCode, &u.CountyCode, &u.OrgID, &u.DepartmentID,
		&must, &u.FailedLogins, &locked, &disabled, &created, &u.Version}, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	u.Role = zhuxiang.Role(role)
	u.MustChangePassword = must == 1
	u.Disabled = disabled == 1
	u.LockedUntil = parseTS(locked)
	u.CreatedAt = parseTS(created)
	return &u, nil
}

// NewUser is what an administrator fills in to create an account.
type NewUser struct {
	Name         string
	DisplayName  string
	Role         zhuxiang.Role
	RegionCode   string // county for county users, village for village users
	OrgCode      string // credit code of the organization, for organization users
	OrgID        string // or its ID
	Department   string // department name, for department users
	DepartmentID string
	Password     string
	// NoChangeRequired skips the first-login password change; only the
	// system actor (demo data, an operator at the console) may ask for it.
	NoChangeRequired bool
}

// CreateUser creates an account whose password must be changed at first
// login. Only the prefecture admin manages users.
func (s *Store) CreateUser(ctx context.Context, a zhuxiang.Actor, nu NewUser) (*zhuxiang.User, error) {
	if !a.IsAdmin() {
		return nil, forbidden("仅州级管理员可管理用户")
	}
	nu.Name = strings.TrimSpace(nu.Name)
	if nu.Name == "" || len(nu.Name) > 64 || strings.ContainsAny(nu.Name, " \t\r\n") {
		return nil, zhuxiang.Errorf(zhuxiang.EInvalid, "name", "登录名不能为空、不能含空格，且不超过64个字符")
	}
	if err := zhuxiang.CheckLine("name", "登录名", nu.Name, 64); err != nil {
		return nil, err
	}
	if err := zhuxiang.CheckLine("display_name", "姓名", strings.TrimSpace(nu.DisplayName), zhuxiang.MaxNameRunes); err != nil {
		return nil, err
	}
	if err := zhuxiang.ValidatePassword(nu.Password); err != nil {
		return nil, err
	}
	u := zhuxiang.User{ID: secure.NewID(), Name: nu.Name, DisplayName: strings.TrimSpace(nu.DisplayName), Role: nu.Role, MustChangePassword: !(nu.NoChangeRequired && a.System)}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		switch nu.Role {
		case zhuxiang.RoleAdmin:
			u.RegionCode = zhuxiang.PrefectureCode
		case zhuxiang.RoleCounty, zhuxiang.RoleVillage:
			want := zhuxiang.LevelCounty
			if nu.Role == zhuxiang.RoleVillage {
				want = zhuxiang.LevelVillage
			}
			var level, county string
			err := tx.QueryRowContext(ctx, `SELECT level, county_code FROM regions WHERE code = $1`, nu.RegionCode).Scan(&level, &county)
			if err != nil || zhuxiang.RegionLevel(level) != want {
				return zhuxiang.Errorf(zhuxiang.EInvalid, "region", "%s须指定所属%s（区划代码“%s”无效）", nu.Role.Label(), want.Label(), nu.RegionCode)
			}
			u.RegionCode, u.CountyCode = nu.RegionCode, county
		case zhuxiang.RoleOrg:
			id := nu.OrgID
			if id == "" {
				code := zhuxiang.NormalizeCreditCode(nu.OrgCode)
				if err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE credit_code = $1`, code).Scan(&id); err != nil {
					return zhuxiang.Errorf(zhuxiang.EInvalid, "org", "找不到统一社会信用代码为“%s”的社会组织", nu.OrgCode)
				}
			} else if err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE id = $1`, id).Scan(&id); err != nil {
				return zhuxiang.Errorf(zhuxiang.EInvalid, "org", "社会组织不存在")
			}
			u.OrgID = id
		case zhuxiang.RoleDepartment:
			id := nu.DepartmentID
			q, arg := `SELECT id FROM departments WHERE id = $1`, id
			if id == "" {
				q, arg = `SELECT id FROM departments WHERE name = $1`, strings.TrimSpace(nu.Department)
			}
			if err := tx.QueryRowContext(ctx, q, arg).Scan(&id); err != nil {
				return zhuxiang.Errorf(zhuxiang.EInvalid, "department", "找不到部门“%s”", nu.Department)
			}
			u.DepartmentID = id
		default:
			return zhuxiang.Errorf(zhuxiang.EInvalid, "role", "角色“%s”无效", nu.Role)
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE name = $1`, u.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return zhuxiang.Errorf(zhuxiang.EConflict, "name", "登录名“%s”已被使用", u.Name)
		}
		hash, err := secure.HashPassword(nu.Password)
		if err != nil {
			return err
		}
		now := ts(s.Now())
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, display_name, role, region_code, county_code, org_id, department_id, password_hash, must_change, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
			u.ID, u.Name, u.DisplayName, string(u.Role), u.RegionCode, u.CountyCode, nullStr(u.OrgID), nullStr(u.DepartmentID), hash, b2i(u.MustChangePassword), now); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "create", "user", u.ID, map[string]string{"登录名": u.Name, "角色": u.Role.Label(), "区划": u.RegionCode, "组织": u.OrgID, "部门": u.DepartmentID})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ListUsers lists accounts; only the prefecture admin manages users.
func (s *Store) ListUsers(ctx context.Context, a zhuxiang.Actor) ([]*zhuxiang.User, error) {
	if !a.IsAdmin() {
		return nil, forbidden("仅州级管理员可管理用户")
	}
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users ORDER BY role, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhuxiang.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByName finds an account by login name, for the command line.
func (s *Store) UserByName(ctx context.Context, name string) (*zhuxiang.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("用户")
	}
	return u, err
}

// SetUserDisabled disables or re-enables an account; disabling also ends
// its sessions.
func (s *Store) SetUserDisabled(ctx context.Context, a zhuxiang.Actor, id string, disabled bool) error {
	if !a.IsAdmin() {
		return forbidden("仅州级管理员可管理用户")
	}
	if id == a.UserID && disabled {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "", "不能停用自己的账号")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2, version = version + 1 WHERE id = $3`, b2i(disabled), ts(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户")
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		op := "enable"
		if disabled {
			op = "disable"
		}
		return s.audit(ctx, tx, a, op, "user", id, nil)
	})
}

// ResetPassword sets a new initial password that must be changed at the
// next login, and unlocks the account.
func (s *Store) ResetPassword(ctx context.Context, a zhuxiang.Actor, id, password string) error {
	if !a.IsAdmin() {
		return forbidden("仅州级管理员可管理用户")
	}
	if err := zhuxiang.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := secure.HashPassword(password)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change = 1, failed_logins = 0, locked_until = '', updated_at = $2, version = version + 1 WHERE id = $3`, hash, ts(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "reset_password", "user", id, nil)
	})
}

// ErrBadLogin is the one answer to a wrong name or password, so that the
// page does not tell which names exist.
var ErrBadLogin = zhuxiang.Errorf(zhuxiang.EUnauthorized, "password", "登录名或密码不正确")

// Login checks a name and password. Five failures in a row lock the account
// for fifteen minutes; every attempt is audited.
func (s *Store) Login(ctx context.Context, name, password string) (*zhuxiang.User, error) {
	// A name no account can have is a failed login, not a query that
	// PostgreSQL fails on (a NUL byte, invalid UTF-8).
	if zhuxiang.CheckLine("name", "登录名", name, 64) != nil {
		secure.BurnPasswordCheck(password)
		return nil, ErrBadLogin
	}
	u, err := scanUser(s.queryRow(ctx, `SELECT `+userCols+` FROM users WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		secure.BurnPasswordCheck(password)
		s.auditAlone(ctx, zhuxiang.Actor{UserID: "", Name: name}, "login_failed", "user", "", map[string]string{"原因": "登录名不存在", "登录名": name})
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	if u.Disabled {
		secure.BurnPasswordCheck(password)
		s.auditAlone(ctx, u.Actor(), "login_failed", "user", u.ID, map[string]string{"原因": "账号已停用"})
		return nil, zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "账号已停用，请联系管理员")
	}
	if now.Before(u.LockedUntil) {
		secure.BurnPasswordCheck(password)
		s.auditAlone(ctx, u.Actor(), "login_failed", "user", u.ID, map[string]string{"原因": "账号已锁定"})
		mins := int(u.LockedUntil.Sub(now).Minutes()) + 1
		return nil, zhuxiang.Errorf(zhuxiang.ELocked, "", "密码连续错误%d次，账号已锁定，请%d分钟后再试", zhuxiang.MaxFailedLogins, mins)
	}
	var hash string
	if err := s.queryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
		return nil, err
	}
	if !secure.CheckPassword(hash, password) {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var failed int
			if err := tx.QueryRowContext(ctx, `SELECT failed_logins FROM users WHERE id = $1`+s.forUpdate(), u.ID).Scan(&failed); err != nil {
				return err
			}
			failed++
			locked := ""
			note := map[string]any{"原因": "密码错误", "连续失败次数": failed}
			if failed >= zhuxiang.MaxFailedLogins {
				locked = ts(now.Add(zhuxiang.LockDuration))
				failed = 0
				note["锁定至"] = locked
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3`, failed, locked, u.ID); err != nil {
				return err
			}
			return s.audit(ctx, tx, u.Actor(), "login_failed", "user", u.ID, note)
		})
		if err != nil {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = '' WHERE id = $1`, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, u.Actor(), "login", "user", u.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	u.FailedLogins = 0
	return u, nil
}

// ChangePassword changes the actor's own password after checking the old
// one; it clears the must-change mark and ends the actor's other sessions.
func (s *Store) ChangePassword(ctx context.Context, a zhuxiang.Actor, keepSession, old, new string) error {
	var hash string
	if err := s.queryRow(ctx, `SELECT password_hash FROM users WHERE id = $1`, a.UserID).Scan(&hash); err != nil {
		return notFound("用户")
	}
	if !secure.CheckPassword(hash, old) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "old_password", "原密码不正确")
	}
	if old == new {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "password", "新密码不能与原密码相同")
	}
	if err := zhuxiang.ValidatePassword(new); err != nil {
		return err
	}
	nh, err := secure.HashPassword(new)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change = 0, updated_at = $2, version = version + 1 WHERE id = $3`, nh, ts(s.Now()), a.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, a.UserID, secure.TokenDigest(keepSession)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "change_password", "user", a.UserID, nil)
	})
}

// Session is a signed-in browser.
type Session struct {
	Token  string // only known when created; the database keeps its digest
	CSRF   string
	User   *zhuxiang.User
	Unread int // unread notifications up to UnreadCap, read with the session: every page shows the count
	// OrgsGen is the organizations' change counter, read in the same
	// statement as the session so that a list page served from the page
	// cache needs no read of its own; see WithSessionGenerations.
	OrgsGen int64
}

// UnreadCap bounds the unread count a page shows ("99+"): counting a
// county's six hundred unread notifications on every page halved the
// list page's throughput for that user.
const UnreadCap = 100

// CreateSession starts a session for u and returns its token.
func (s *Store) CreateSession(ctx context.Context, u *zhuxiang.User) (*Session, error) {
	sess := &Session{Token: secure.NewToken(), CSRF: secure.NewToken(), User: u}
	now := ts(s.Now())
	_, err := s.w.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)`,
		secure.TokenDigest(sess.Token), u.ID, sess.CSRF, now)
	return sess, err
}

// touchEvery limits how often a session's last-seen time is written: reads
// stay reads, and the idle limit is still honoured to within a minute.
const touchEvery = time.Minute

// SessionUser returns the session for a token and refreshes its idle timer.
// An unknown, idle-expired or disabled session is EUnauthorized.
func (s *Store) SessionUser(ctx context.Context, token string) (*Session, error) {
	digest := secure.TokenDigest(token)
	// The data version is read before the session, so that a commit
	// between the two leaves the entry stale rather than wrong.
	version, cacheable := s.sessions.version(ctx)
	if cacheable {
		if sess, ok := s.sessions.get(digest, version, s.Now()); ok {
			return sess, nil
		}
	}
	var lastSeen, csrf string
	var unread int
	var orgsGen int64
	// The unread count and the organizations' generation ride along: one
	// read per page instead of three. Each read in SQLite is a transaction
	// of its own (locks on the WAL index), and the two extra reads had cost
	// a list page served from its cache a quarter of its CPU.
	u, err := scanUser(s.queryRow(ctx, `SELECT u.id, u.name, u.display_name, u.role, u.region_code, u.county_code, COALESCE(u.org_id, ''), COALESCE(u.department_id, ''), u.must_change, u.failed_logins, u.locked_until, u.disabled, u.created_at, u.version, s.last_seen, s.csrf,
		(SELECT COUNT(*) FROM (SELECT 1 FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at = '' LIMIT `+strconv.Itoa(UnreadCap)+`) x),
		(SELECT value FROM counters WHERE name = 'orgs_gen')
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, digest), &lastSeen, &csrf, &unread, &orgsGen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "请先登录")
	}
	if err != nil {
		return nil, err
	}
	now := s.Now()
	seen := parseTS(lastSeen)
	if u.Disabled || now.Sub(seen) > zhuxiang.SessionIdle {
		s.w.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, digest)
		return nil, zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "登录已超时，请重新登录")
	}
	// One request writes the touch; others of the same session that arrive
	// meanwhile go on without it. A hundred requests in flight used to
	// queue a hundred identical writes behind the single writer, which
	// showed as a 200 ms stall once a minute under load.
	if now.Sub(seen) > touchEvery {
		if _, busy := s.touching.LoadOrStore(digest, true); !busy {
			_, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen = $1 WHERE token_hash = $2`, ts(now), digest)
			s.touching.Delete(digest)
			if err != nil {
				return nil, err
			}
			seen = now // the write changed the data version: the entry below is stale anyway
		}
	}
	sess := &Session{CSRF: csrf, User: u, Unread: unread, OrgsGen: orgsGen}
	if cacheable {
		s.sessions.put(digest, version, sess, seen)
	}
	return sess, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string, a zhuxiang.Actor) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, secure.TokenDigest(token)); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "logout", "user", a.UserID, nil)
	})
}

// CreateAPIToken issues a bearer token for user name, for other systems.
func (s *Store) CreateAPIToken(ctx context.Context, a zhuxiang.Actor, name string) (string, error) {
	if !a.IsAdmin() {
		return "", forbidden("仅州级管理员可签发接口令牌")
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return "", err
	}
	tok := "zx_" + secure.NewToken()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)`, secure.TokenDigest(tok), u.ID, ts(s.Now())); err != nil {
			return err
		}
		return s.audit(ctx, tx, a, "create_token", "user", u.ID, nil)
	})
	return tok, err
}

// TokenUser returns the user of an API token.
func (s *Store) TokenUser(ctx context.Context, token string) (*zhuxiang.User, error) {
	u, err := scanUser(s.queryRow(ctx, `SELECT u.id, u.name, u.display_name, u.role, u.region_code, u.county_code, COALESCE(u.org_id, ''), COALESCE(u.department_id, ''), u.must_change, u.failed_logins, u.locked_until, u.disabled, u.created_at, u.version
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1`, secure.TokenDigest(token)))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.Disabled) {
		return nil, zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "接口令牌无效")
	}
	return u, err
}

// RevokeAPITokens deletes every API token of user name and returns how
// many there were; a leaked token stops working at once.
func (s *Store) RevokeAPITokens(ctx context.Context, a zhuxiang.Actor, name string) (int, error) {
	if !a.IsAdmin() {
		return 0, forbidden("仅州级管理员可吊销接口令牌")
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, u.ID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return s.audit(ctx, tx, a, "revoke_tokens", "user", u.ID, map[string]int64{"吊销数量": n})
	})
	return int(n), err
}
