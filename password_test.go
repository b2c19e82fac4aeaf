package zhuxiang

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidatePassword(t *testing.T) {
	const (
		common  = "密码太常见，是常用密码“%s”的变形，很容易被猜中，请换一个"
		classes = "密码需包含大写字母、小写字母、数字、符号中的至少三类"
		login   = "密码不能包含登录名"
		simple  = "密码太简单：去掉首尾的数字和符号后只剩一两个字母的重复，很容易被猜中，请换一个"
		nonKey  = "密码只能使用英文键盘上的字母、数字和符号，第%d个字符“%s”不能使用：手机和浏览器的密码框通常无法输入汉字和全角字符，登录时会输不进去"
	)
	for _, tc := range []struct {
		name, pw, login, msg string
	}{
		// Accepted: the passwords the tests and the demo use, a passphrase
		// with spaces, a random one whose letters are few.
		{"test password", "Zhuxiang#2026", "admin", ""},
		{"demo password", "Demo@2026zx", "hejing", ""},
		{"pinyin word with more", "Xinmima#2027", "zhou", ""},
		{"passphrase", "correct Horse 9 staple", "li", ""},
		{"random", "7#Qx9!40", "kexie", ""},
		{"short login elsewhere", "Xab#2026yz", "ab", ""},
		{"exactly 128", strings.Repeat("Ab1#", 32), "admin", ""},

		{"too short", "Ab1#xyz", "u", "密码至少需要8个字符"},
		{"too long", strings.Repeat("Ab1#", 32) + "x", "u", "密码不能超过128个字符"},
		{"two classes", "abcdefg123", "u", classes},

		// The commonest passwords and their obvious variants.
		{"Password1", "Password1", "u", sprintf(common, "password")},
		{"Password1!", "Password1!", "u", sprintf(common, "password")},
		{"look-alikes", "P@ssw0rd2026", "u", sprintf(common, "password")},
		{"prefix and suffix", "2026#Password!", "u", sprintf(common, "password")},
		{"keyboard walk", "Qwerty123!", "u", sprintf(common, "qwerty")},
		{"keyboard walk with digits", "1Qaz2wsx!", "u", sprintf(common, "1qaz2wsx")},
		{"pinyin", "Woaini1314!", "u", sprintf(common, "woaini")},
		{"mima", "Mima@2026", "u", sprintf(common, "mima")},
		{"admin", "Admin@123", "u", sprintf(common, "admin")},
		{"look-alike first", "4dmin2026!", "u", sprintf(common, "admin")},
		{"iloveyou", "Iloveyou520!", "u", sprintf(common, "iloveyou")},
		{"short core", "Abc@123456", "u", sprintf(common, "abc")},
		{"Aa123456", "Aa123456", "u", sprintf(common, "aa")},
		{"place", "Xinjiang@2026", "u", sprintf(common, "xinjiang")},
		{"one letter repeated", "Aaaaaaa1", "u", simple},
		{"two letters repeated", "Abababab1", "u", simple},

		// The login name, as it is or disguised.
		{"login name", "Hejing#2026", "hejing", login},
		{"login name upper", "HEJING#2026x", "hejing", login},
		{"login name folded", "H3jing#2026", "hejing", login},
		{"login name inside", "My-Kexie#2026", "kexie", login},
		{"login name with digits", "xZhou2#abc", "zhou2", login},
		{"short login as the core", "Li#20261990", "li", login},

		// Characters a password field on a phone cannot take.
		{"han", "密码abc123", "u", sprintf(nonKey, 1, "密")},
		{"han inside", "Abc密码123!", "u", sprintf(nonKey, 4, "密")},
		{"full width", "Ａbc12345!", "u", sprintf(nonKey, 1, "Ａ")},
		{"ideographic space", "Abc\u300012345!", "u", sprintf(nonKey, 4, "U+3000")},
		{"accented", "Passé#2026x", "u", sprintf(nonKey, 5, "é")},
		{"control", "Abc\x01defg1!", "u", "密码第4个字符是控制字符，不能使用"},
		{"tab", "Abc\tdefg1!", "u", "密码第4个字符是控制字符，不能使用"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePassword(tc.pw, tc.login)
			if tc.msg == "" {
				if err != nil {
					t.Fatalf("ValidatePassword(%q, %q): %v", tc.pw, tc.login, err)
				}
				return
			}
			if ErrorCodeOf(err) != EInvalid || ErrorField(err) != "password" || ErrorMessage(err) != tc.msg {
				t.Errorf("ValidatePassword(%q, %q) = %v, want %s", tc.pw, tc.login, err, tc.msg)
			}
		})
	}
}

// Every listed password, dressed as people dress it to pass the class
// rule, is refused: capital first, a year and a symbol after.
func TestCommonPasswordsDressedUp(t *testing.T) {
	n := 0
	for _, line := range strings.Split(commonPasswordList, "\n") {
		w := strings.TrimSpace(line)
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		n++
		if w != strings.ToLower(w) {
			t.Errorf("entry %q is not lower case", w)
		}
		if trimNonLetters(w) == "" {
			t.Errorf("entry %q has no letters: the class rule refuses it already", w)
			continue
		}
		for _, pw := range []string{
			strings.ToUpper(w[:1]) + w[1:] + "2026!",
			"!" + strings.ToUpper(w) + "#1",
			strings.ToUpper(w[:1]) + w[1:] + "@123456",
		} {
			if utf8.RuneCountInString(pw) < MinPasswordLen {
				pw += strings.Repeat("1", MinPasswordLen-len(pw))
			}
			if err := ValidatePassword(pw, "nobody"); err == nil {
				t.Errorf("%q accepted: it is the listed %q dressed up", pw, w)
			}
		}
	}
	if n < 300 {
		t.Errorf("%d entries; the list should hold a few hundred", n)
	}
}

func FuzzValidatePassword(f *testing.F) {
	for _, s := range []string{"Zhuxiang#2026", "Password1!", "密码abc123", "Hejing#2026", "Aaaaaaa1", "7#Qx9!40", ""} {
		f.Add(s, "hejing")
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		listed[strings.TrimSpace(line)] = true
	}
	f.Fuzz(func(t *testing.T, pw, login string) {
		err := ValidatePassword(pw, login)
		if err != nil {
			checkInvalid(t, err, "password")
			return
		}
		// What was accepted holds every rule, checked here the plain way.
		n := utf8.RuneCountInString(pw)
		if n < MinPasswordLen || n > MaxPasswordLen {
			t.Fatalf("%q accepted with %d characters", pw, n)
		}
		var classes [4]bool
		for i := 0; i < len(pw); i++ {
			c := pw[i]
			switch {
			case c < ' ' || c > '~':
				t.Fatalf("%q accepted with byte %#x", pw, c)
			case 'A' <= c && c <= 'Z':
				classes[0] = true
			case 'a' <= c && c <= 'z':
				classes[1] = true
			case '0' <= c && c <= '9':
				classes[2] = true
			default:
				classes[3] = true
			}
		}
		k := 0
		for _, b := range classes {
			if b {
				k++
			}
		}
		if k < 3 {
			t.Fatalf("%q accepted with %d classes", pw, k)
		}
		if name := strings.ToLower(strings.TrimSpace(login)); len(name) >= 3 && strings.Contains(strings.ToLower(pw), name) {
			t.Fatalf("%q accepted for login %q", pw, login)
		}
		if listed[strings.ToLower(strings.Trim(pw, "0123456789!@#$%^&*.-_ "))] {
			t.Fatalf("%q accepted: a listed password with digits and symbols around it", pw)
		}
	})
}

func sprintf(format string, args ...any) string { return Errorf(EInvalid, "", format, args...).Message }
