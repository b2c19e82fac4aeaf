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
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return nil, err
	}
	nu.Name = strings.TrimSpace(nu.Name)
	// Every bad field at once: these here, the scope below once the
	// transaction can look it up.
	var p zhuxiang.Problems
	if nu.Name == "" || len(nu.Name) > 64 || strings.ContainsAny(nu.Name, " \t\r\n") {
		p.Addf("name", "登录名不能为空、不能含空格，且不超过64个字符")
	} else {
		p.Add(zhuxiang.CheckLine("name", "登录名", nu.Name, 64))
	}
	p.Add(zhuxiang.CheckLine("display_name", "姓名", strings.TrimSpace(nu.DisplayName), zhuxiang.MaxNameRunes))
	p.Add(zhuxiang.ValidatePassword(nu.Password, nu.Name))
	u := zhuxiang.User{ID: secure.NewID(), Name: nu.Name, DisplayName: strings.TrimSpace(nu.DisplayName), Role: nu.Role, MustChangePassword: !(nu.NoChangeRequired && a.System)}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	err := s.write(ctx, a, func(tx *writeTx) error {
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
				p.Addf("region", "%s须指定所属%s（区划代码“%s”无效）", nu.Role.Label(), want.Label(), nu.RegionCode)
			}
			u.RegionCode, u.CountyCode = nu.RegionCode, county
		case zhuxiang.RoleOrg:
			id := nu.OrgID
			if id == "" {
				code := zhuxiang.NormalizeCreditCode(nu.OrgCode)
				if err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE credit_code = $1`, code).Scan(&id); err != nil {
					p.Addf("org", "找不到统一社会信用代码为“%s”的社会组织", nu.OrgCode)
				}
			} else if err := tx.QueryRowContext(ctx, `SELECT id FROM orgs WHERE id = $1`, id).Scan(&id); err != nil {
				p.Addf("org", "社会组织不存在")
			}
			u.OrgID = id
		case zhuxiang.RoleDepartment:
			id := nu.DepartmentID
			q, arg := `SELECT id FROM departments WHERE id = $1`, id
			if id == "" {
				q, arg = `SELECT id FROM departments WHERE name = $1`, strings.TrimSpace(nu.Department)
			}
			if err := tx.QueryRowContext(ctx, q, arg).Scan(&id); err != nil {
				p.Addf("department", "找不到部门“%s”", nu.Department)
			}
			u.DepartmentID = id
		case "":
			p.Addf("role", "请选择角色")
		default:
			p.Addf("role", "角色“%s”无效", nu.Role)
		}
		if err := p.Err(); err != nil {
			return err
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
		if err := tx.accountsChanged(); err != nil {
			return err
		}
		return tx.audit("create", "user", u.ID, map[string]string{"登录名": u.Name, "角色": u.Role.Label(), "区划": u.RegionCode, "组织": u.OrgID, "部门": u.DepartmentID})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// ListUsers lists accounts; only the prefecture admin manages users.
func (s *Store) ListUsers(ctx context.Context, a zhuxiang.Actor) ([]*zhuxiang.User, error) {
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return nil, err
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

// accountsChanged bumps interests_gen inside a write that creates, disables
// or enables an account: whether a village has an active account decides
// who confirms its progress reports (zhuxiang.CanReport), and the work
// bench and the project list count that, in the response cache. Logins and
// password changes, also audited as "user", leave the caches alone.
func (w *writeTx) accountsChanged() error {
	_, err := w.bump(genInterests, "interests_gen")
	return err
}

// SetUserDisabled disables or re-enables an account. Disabling ends
// everything the account could act with: its sessions and its API tokens
// are deleted, so that enabling it again later does not quietly revive a
// token handed to another system long ago.
func (s *Store) SetUserDisabled(ctx context.Context, a zhuxiang.Actor, id string, disabled bool) error {
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return err
	}
	if id == a.UserID && disabled {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "", "不能停用自己的账号")
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2, version = version + 1 WHERE id = $3`, b2i(disabled), ts(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户")
		}
		if err := tx.accountsChanged(); err != nil {
			return err
		}
		if !disabled {
			return tx.audit("enable", "user", id, nil)
		}
		ended, err := endCredentials(ctx, tx, id, "", true)
		if err != nil {
			return err
		}
		return tx.audit("disable", "user", id, ended)
	})
}

// ResetPassword sets a new initial password that must be changed at the
// next login, and unlocks the account. An administrator resets a password
// when it was forgotten or may be known to someone else, so the reset also
// ends every session of the account and revokes its API tokens: whoever
// held the old password may have signed in or been handed a token.
func (s *Store) ResetPassword(ctx context.Context, a zhuxiang.Actor, id, password string) error {
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return err
	}
	var name string
	if err := s.queryRow(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name); err != nil {
		return notFound("用户")
	}
	if err := zhuxiang.ValidatePassword(password, name); err != nil {
		return err
	}
	hash, err := secure.HashPassword(password)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change = 1, failed_logins = 0, locked_until = '', updated_at = $2, version = version + 1 WHERE id = $3`, hash, ts(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("用户")
		}
		ended, err := endCredentials(ctx, tx, id, "", true)
		if err != nil {
			return err
		}
		return tx.audit("reset_password", "user", id, ended)
	})
}

// ErrBadLogin is the one answer to a wrong name or password, so that the
// page does not tell which names exist.
var ErrBadLogin = zhuxiang.Errorf(zhuxiang.EUnauthorized, "password", "登录名或密码不正确")

// Login checks a name and password. Five failures in a row lock the account
// for fifteen minutes; every attempt is audited.
//
// An attempt first reserves its place: one UPDATE counts it, sets the lock
// when it is the fifth, and hands back the hash only if the account was not
// locked. The password is hashed after that, outside any transaction (19 MiB
// of argon2 must not hold SQLite's single writer or a row lock), and a
// failure has nothing left to write but its audit entry. Reading the lock
// first and writing the count after the hash, as before, let 4 parallel
// requests check 169 of 200 passwords: each read saw no lock, and each
// failure's write cleared the lock another had just set. Now at most
// MaxFailedLogins hashes are compared per lock period however requests
// interleave; only a right password (one of those five) resets the count.
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
		if err := s.auditAlone(ctx, zhuxiang.Actor{UserID: "", Name: name}, "login_failed", "user", "", map[string]string{"原因": "登录名不存在", "登录名": name}); err != nil {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		secure.BurnPasswordCheck(password)
		if err := s.auditAlone(ctx, u.Actor(), "login_failed", "user", u.ID, map[string]string{"原因": "账号已停用"}); err != nil {
			return nil, err
		}
		return nil, errDisabled
	}
	now := s.Now()
	var hash, locked string
	var failed int
	var refused error
	var why string
	// The reservation is bookkeeping, not a record: the attempt's outcome
	// is audited as soon as it is known, below.
	err = s.housekeep(ctx, func(tx *sql.Tx) error {
		// The expressions read the row as it was before this UPDATE, on both
		// engines; the WHERE clause lets through an unlocked account or one
		// whose lock has passed ('' sorts first), whose count then restarts.
		err := tx.QueryRowContext(ctx, `UPDATE users SET
			failed_logins = CASE WHEN locked_until = '' THEN failed_logins + 1 ELSE 1 END,
			locked_until = CASE WHEN (CASE WHEN locked_until = '' THEN failed_logins + 1 ELSE 1 END) >= $2 THEN $3 ELSE '' END
			WHERE id = $1 AND disabled = 0 AND locked_until <= $4
			RETURNING failed_logins, locked_until, password_hash`,
			u.ID, zhuxiang.MaxFailedLogins, ts(now.Add(zhuxiang.LockDuration)), ts(now)).Scan(&failed, &locked, &hash)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// Locked, or disabled since the first read: no hash is compared.
		var disabled int
		if err := tx.QueryRowContext(ctx, `SELECT disabled, locked_until FROM users WHERE id = $1`, u.ID).Scan(&disabled, &locked); err != nil {
			return err
		}
		why = "账号已锁定"
		refused = zhuxiang.Errorf(zhuxiang.ELocked, "", "密码连续错误%d次，账号已锁定，请%d分钟后再试",
			zhuxiang.MaxFailedLogins, int(parseTS(locked).Sub(now).Minutes())+1)
		if disabled == 1 {
			why, refused = "账号已停用", errDisabled
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		if err := s.auditAlone(ctx, u.Actor(), "login_failed", "user", u.ID, map[string]string{"原因": why}); err != nil {
			return nil, err
		}
		return nil, refused
	}
	s.passwordChecks.Add(1)
	if !secure.CheckPassword(hash, password) {
		note := map[string]any{"原因": "密码错误", "连续失败次数": failed}
		if locked != "" {
			note["锁定至"] = locked
		}
		if err := s.auditAlone(ctx, u.Actor(), "login_failed", "user", u.ID, note); err != nil {
			return nil, err
		}
		return nil, ErrBadLogin
	}
	err = s.write(ctx, u.Actor(), func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = '' WHERE id = $1`, u.ID); err != nil {
			return err
		}
		return tx.audit("login", "user", u.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	u.FailedLogins, u.LockedUntil = 0, time.Time{}
	return u, nil
}

// errDisabled answers a login to a disabled account.
var errDisabled = zhuxiang.Errorf(zhuxiang.EUnauthorized, "", "账号已停用，请联系管理员")

// ChangePassword changes the actor's own password after checking the old
// one; it clears the must-change mark and ends the actor's other sessions
// (a browser left signed in elsewhere must sign in with the new password).
// API tokens stay: only the administrator issues them, for another system,
// so they never came from the password, and the first-login change every
// account must make would otherwise cut off that system.
func (s *Store) ChangePassword(ctx context.Context, a zhuxiang.Actor, keepSession, old, new string) error {
	var hash, name string
	if err := s.queryRow(ctx, `SELECT password_hash, name FROM users WHERE id = $1`, a.UserID).Scan(&hash, &name); err != nil {
		return notFound("用户")
	}
	if !secure.CheckPassword(hash, old) {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "old_password", "原密码不正确")
	}
	if old == new {
		return zhuxiang.Errorf(zhuxiang.EInvalid, "password", "新密码不能与原密码相同")
	}
	if err := zhuxiang.ValidatePassword(new, name); err != nil {
		return err
	}
	nh, err := secure.HashPassword(new)
	if err != nil {
		return err
	}
	return s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, must_change = 0, updated_at = $2, version = version + 1 WHERE id = $3`, nh, ts(s.Now()), a.UserID); err != nil {
			return err
		}
		ended, err := endCredentials(ctx, tx, a.UserID, secure.TokenDigest(keepSession), false)
		if err != nil {
			return err
		}
		return tx.audit("change_password", "user", a.UserID, ended)
	})
}

// Session is a signed-in browser.
type Session struct {
	Token  string // only known when created; the database keeps its digest
	CSRF   string
	User   *zhuxiang.User
	Unread int // unread notifications up to UnreadCap, read with the session: every page shows the count
	// Gen is the data generation when the session was read (see Gen). It
	// rides along with the session so that a request which writes nothing
	// can key what it keeps without a read of its own.
	Gen Gen
}

// UnreadCap bounds the unread count a page shows ("99+"): counting a
// county's six hundred unread notifications on every page halved the
// list page's throughput for that user.
const UnreadCap = 100

// endCredentials ends the sessions of a user except the one whose digest is
// keep, and with tokens its API tokens too, inside tx; it returns what it
// ended for the audit entry.
func endCredentials(ctx context.Context, tx querier, userID, keep string, tokens bool) (map[string]int64, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, userID, keep)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	out["结束的登录会话"], _ = res.RowsAffected()
	if tokens {
		if res, err = tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, userID); err != nil {
			return nil, err
		}
		out["吊销的接口令牌"], _ = res.RowsAffected()
	}
	return out, nil
}

// MaxSessions is how many sessions one account keeps at once. County staff
// work on a desktop and a phone, and a third place (a meeting room's
// computer, a second browser) is common; a fourth login ends the session
// used least recently. Without a bound, a session left open on a village's
// shared phone lived on beside every later login of its owner; with it,
// that session ends once its owner signs in on three other devices, or
// after SessionIdle without use, whichever comes first. Signing out
// (退出) ends a session at once, and a password change ends the others.
const MaxSessions = 3

// CreateSession starts a session for u and returns its token; beyond
// MaxSessions, the account's least recently used sessions end.
func (s *Store) CreateSession(ctx context.Context, u *zhuxiang.User) (*Session, error) {
	sess := &Session{Token: secure.NewToken(), CSRF: secure.NewToken(), User: u}
	now := ts(s.Now())
	digest := secure.TokenDigest(sess.Token)
	if _, err := s.w.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen) VALUES ($1, $2, $3, $4, $4)`,
		digest, u.ID, sess.CSRF, now); err != nil {
		return nil, err
	}
	// The new session is never among those ended, whatever ties the clock
	// makes, and two logins at once each keep the other, the newest.
	_, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2 AND token_hash NOT IN
		(SELECT token_hash FROM sessions WHERE user_id = $1 AND token_hash <> $2 ORDER BY last_seen DESC, created_at DESC, token_hash LIMIT $3)`,
		u.ID, digest, MaxSessions-1)
	if err != nil {
		return nil, err
	}
	return sess, nil
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
	var gen Gen
	// The unread count and the data generation ride along: one
	// read per page instead of three. Each read in SQLite is a transaction
	// of its own (locks on the WAL index), and the two extra reads had cost
	// a list page served from its cache a quarter of its CPU.
	u, err := scanUser(s.queryRow(ctx, `SELECT u.id, u.name, u.display_name, u.role, u.region_code, u.county_code, COALESCE(u.org_id, ''), COALESCE(u.department_id, ''), u.must_change, u.failed_logins, u.locked_until, u.disabled, u.created_at, u.version, s.last_seen, s.csrf,
		(SELECT COUNT(*) FROM (SELECT 1 FROM notifications nt WHERE nt.user_id = u.id AND nt.read_at = '' LIMIT `+strconv.Itoa(UnreadCap)+`) x),
		`+genColumns+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1`, digest), &lastSeen, &csrf, &unread, &gen.orgs, &gen.match, &gen.interests)
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
	sess := &Session{CSRF: csrf, User: u, Unread: unread, Gen: gen}
	if cacheable {
		s.sessions.put(digest, version, sess, seen)
	}
	return sess, nil
}

// DeleteSession ends a session (logout).
func (s *Store) DeleteSession(ctx context.Context, token string, a zhuxiang.Actor) error {
	return s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, secure.TokenDigest(token)); err != nil {
			return err
		}
		return tx.audit("logout", "user", a.UserID, nil)
	})
}

// CreateAPIToken issues a bearer token for user name, for other systems.
func (s *Store) CreateAPIToken(ctx context.Context, a zhuxiang.Actor, name string) (string, error) {
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return "", err
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return "", err
	}
	tok := "zx_" + secure.NewToken()
	err = s.write(ctx, a, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_tokens (token_hash, user_id, created_at) VALUES ($1, $2, $3)`, secure.TokenDigest(tok), u.ID, ts(s.Now())); err != nil {
			return err
		}
		return tx.audit("create_token", "user", u.ID, nil)
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
	if err := zhuxiang.CanManageUsers(a); err != nil {
		return 0, err
	}
	u, err := s.UserByName(ctx, name)
	if err != nil {
		return 0, err
	}
	var n int64
	err = s.write(ctx, a, func(tx *writeTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = $1`, u.ID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		return tx.audit("revoke_tokens", "user", u.ID, map[string]int64{"吊销数量": n})
	})
	return int(n), err
}
