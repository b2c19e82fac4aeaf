package store_test

import (
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// Every way a password is set asks the same policy with the account's own
// login name, and a refused password changes nothing.
func TestPasswordPolicyOnEveryPath(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		sys := zhuxiang.SystemActor
		refused := func(what string, err error, msg string) {
			t.Helper()
			if zhuxiang.ErrorCodeOf(err) != zhuxiang.EInvalid || zhuxiang.ErrorField(err) != "password" || zhuxiang.ErrorMessage(err) != msg {
				t.Errorf("%s: %v, want %s", what, err, msg)
			}
		}
		const common = "密码太常见，是常用密码“password”的变形，很容易被猜中，请换一个"
		const login = "密码不能包含登录名"

		_, err := st.CreateUser(ctx, sys, store.NewUser{Name: "zhou1", Role: zhuxiang.RoleAdmin, Password: "Password1!"})
		refused("create with Password1!", err, common)
		_, err = st.CreateUser(ctx, sys, store.NewUser{Name: "hejing2", Role: zhuxiang.RoleAdmin, Password: "Hejing2#2026x"})
		refused("create with the login name", err, login)
		if _, err := st.Login(ctx, "hejing2", "Hejing2#2026x"); err != store.ErrBadLogin {
			t.Errorf("a refused account exists: %v", err)
		}

		a := mustUser(t, st, store.NewUser{Name: "kuerle9", Role: zhuxiang.RoleAdmin})
		refused("reset to the login name", st.ResetPassword(ctx, sys, a.UserID, "Kuerle9#2026"), login)
		refused("reset to Passw0rd", st.ResetPassword(ctx, sys, a.UserID, "Passw0rd@2026"), common)
		refused("change to the login name", st.ChangePassword(ctx, a, "", testPassword, "kuerle9-Secure#x"), login)
		refused("change to P@ssword", st.ChangePassword(ctx, a, "", testPassword, "P@ssword2026"), common)
		refused("change to Chinese", st.ChangePassword(ctx, a, "", testPassword, "密码Abc12345"),
			"密码只能使用英文键盘上的字母、数字和符号，第1个字符“密”不能使用：手机和浏览器的密码框通常无法输入汉字和全角字符，登录时会输不进去")
		if _, err := st.Login(ctx, "kuerle9", testPassword); err != nil {
			t.Errorf("after refused changes the old password must still work: %v", err)
		}
		if err := st.ChangePassword(ctx, a, "", testPassword, "Tarim-Poplar#2027"); err != nil {
			t.Errorf("a good new password: %v", err)
		}
		if err := st.ResetPassword(ctx, sys, "no-such-user", "Tarim-Poplar#2027"); zhuxiang.ErrorCodeOf(err) != zhuxiang.ENotFound {
			t.Errorf("reset of an unknown user: %v", err)
		}
	})
}
