package web

import (
	"net/http"
	"slices"

	"zhuxiang"
)

// loginForm is the login page's state; the password is never echoed back.
type loginForm struct {
	Name   string
	Next   string
	Error  string
	Notice string
}

// formErrors maps a field name to its message; "form" holds a message that
// concerns the whole form.
type formErrors map[string]string

// FieldCount is how many fields are marked, for the line at the top of a
// form that says so (the messages themselves stand beside their fields).
func (e formErrors) FieldCount() int {
	n := len(e)
	if _, ok := e["form"]; ok {
		n--
	}
	return n
}

// fieldError files every field error of err beside its field, or under
// "form" when it names none that the page shows.
func fieldError(err error, shown ...string) formErrors {
	e := formErrors{}
	e.add(err, shown...)
	return e
}

// placeFields are the store's names for the parts of a place, which a form
// with one place select shows beside its "region" field.
var placeFields = map[string]bool{"village": true, "county": true}

// add files every field error of err (a validation reports them all at
// once) beside its field, or under "form" when the page shows no such
// field. A field keeps the message it already has: the form's own parse
// errors ("数量应为整数") say more than what the domain makes of the value.
func (e formErrors) add(err error, shown ...string) {
	list := zhuxiang.FieldErrors(err)
	if list == nil && err != nil {
		list = []zhuxiang.FieldError{{Message: zhuxiang.ErrorMessage(err)}}
	}
	for _, fe := range list {
		f := fe.Field
		if placeFields[f] && slices.Contains(shown, "region") {
			f = "region"
		}
		switch {
		case f == "" || !slices.Contains(shown, f):
			if old := e["form"]; old != "" && old != fe.Message {
				e["form"] = old + "；" + fe.Message
			} else {
				e["form"] = fe.Message
			}
		case e[f] == "":
			e[f] = fe.Message
		}
	}
}

func (s *server) renderLogin(w http.ResponseWriter, r *http.Request, status int, f loginForm) {
	s.render(w, r, status, "login", &view{Title: "登录", Data: f})
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, err := s.session(r); err == nil {
		redirect(w, r, next)
		return
	}
	f := loginForm{Next: next}
	switch {
	case r.URL.Query().Get("expired") != "":
		f.Notice = "登录已超时，请重新登录"
	case r.URL.Query().Get("bye") != "":
		f.Notice = "您已安全退出"
	}
	s.renderLogin(w, r, http.StatusOK, f)
}

// loginSubmit checks the name and password and starts a session. Wrong name
// and wrong password get the same answer so that the page does not tell
// which accounts exist.
func (s *server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderLogin(w, r, http.StatusBadRequest, loginForm{Error: "请求无效，请重新登录", Next: "/"})
		return
	}
	f := loginForm{Name: r.PostForm.Get("name"), Next: safeNext(r.PostForm.Get("next"))}
	if f.Name == "" || r.PostForm.Get("password") == "" {
		f.Error = "请填写登录名和密码"
		s.renderLogin(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	u, err := s.st.Login(r.Context(), f.Name, r.PostForm.Get("password"))
	if err != nil {
		switch zhuxiang.ErrorCodeOf(err) {
		case zhuxiang.EUnauthorized:
			f.Error = zhuxiang.ErrorMessage(err)
			s.renderLogin(w, r, http.StatusUnauthorized, f)
		case zhuxiang.ELocked:
			f.Error = zhuxiang.ErrorMessage(err)
			s.renderLogin(w, r, http.StatusLocked, f)
		default:
			s.fail(w, r, err)
		}
		return
	}
	// A browser signed in as someone else (a village office's shared
	// computer or phone) ends that session rather than only forgetting its
	// cookie: whoever keeps the old token must not stay signed in.
	if c, cerr := r.Cookie(sessionCookie); cerr == nil && c.Value != "" {
		if prev, perr := s.st.SessionUser(r.Context(), c.Value); perr == nil {
			if err := s.st.DeleteSession(r.Context(), c.Value, prev.User.Actor()); err != nil {
				s.fail(w, r, err)
				return
			}
		}
	}
	sess, err := s.st.CreateSession(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setSessionCookie(w, sess.Token)
	if u.MustChangePassword {
		redirect(w, r, "/password")
		return
	}
	redirect(w, r, f.Next)
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, q *request) error {
	if err := s.st.DeleteSession(r.Context(), q.token, q.actor); err != nil {
		return err
	}
	s.clearCookie(w)
	redirect(w, r, "/login?bye=1")
	return nil
}

type passwordForm struct {
	Errors formErrors
}

func (s *server) passwordPage(w http.ResponseWriter, r *http.Request, q *request) error {
	s.render(w, r, http.StatusOK, "password", &view{Title: "修改密码", Nav: "password", Data: passwordForm{}})
	return nil
}

// passwordSubmit changes the user's own password and keeps this session,
// so a first-login change lands straight on the home page.
func (s *server) passwordSubmit(w http.ResponseWriter, r *http.Request, q *request) error {
	old, pw, repeat := r.PostForm.Get("old_password"), r.PostForm.Get("password"), r.PostForm.Get("repeat")
	// Every problem at once: the policy is the domain's and needs no
	// database, so it is asked here beside the form's own checks.
	var p zhuxiang.Problems
	if old == "" {
		p.Addf("old_password", "请填写原密码")
	}
	p.Add(zhuxiang.ValidatePassword(pw, q.user.Name))
	if pw != repeat {
		p.Addf("repeat", "两次输入的新密码不一致")
	}
	err := p.Err()
	if err == nil {
		if err = s.st.ChangePassword(r.Context(), q.actor, q.token, old, pw); err == nil {
			redirect(w, r, "/")
			return nil
		}
	}
	if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid {
		return err
	}
	errs := fieldError(err, "old_password", "password", "repeat")
	s.render(w, r, http.StatusUnprocessableEntity, "password", &view{Title: "修改密码", Nav: "password", Data: passwordForm{Errors: errs}})
	return nil
}
