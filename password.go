package zhuxiang

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxPasswordLen bounds a password so that hashing one costs what hashing
// any other costs.
const MaxPasswordLen = 128

// ValidatePassword applies the password policy to pw, chosen for the
// account whose login name is login:
//
//   - 8 to 128 characters, each a letter, digit, symbol or space of the
//     English keyboard;
//   - at least three of upper-case letters, lower-case letters, digits and
//     symbols;
//   - not the login name, nor a password that contains it;
//   - not one of the commonest passwords (data/common-passwords.txt) or an
//     obvious variant of one: "Password1!" and "P@ssw0rd2026" are
//     "password" with a capital, look-alike digits and a suffix, the first
//     things a guesser tries, and they pass the class rule.
//
// Why Chinese characters are refused rather than counted as symbols (which
// the class rule did, so that "密码abc123" passed): a Han character does add
// entropy when drawn at random, but people do not draw it at random, they
// type a word (密码, 我爱你, their name), which the class rule cannot tell
// from noise. Worse, most browsers on Windows and macOS and most phone
// keyboards switch the input method off in a password field (so that its
// composition window does not show the password in clear): a password
// with 汉字, or with the full-width letters an input method in full-width
// mode gives (other characters than the half-width ones), may be one its
// owner cannot type at the next login, on a village cadre's phone least of
// all.
// Refusing them when the password is set costs one retry; accepting them
// risks a locked-out account and a call to the county.
func ValidatePassword(pw, login string) error {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return Errorf(EInvalid, "password", "密码至少需要%d个字符", MinPasswordLen)
	}
	if n > MaxPasswordLen {
		return Errorf(EInvalid, "password", "密码不能超过%d个字符", MaxPasswordLen)
	}
	var upper, lower, digit, symbol bool
	pos := 0
	for _, r := range pw {
		pos++
		switch {
		case r >= 'A' && r <= 'Z':
			upper = true
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= '0' && r <= '9':
			digit = true
		case r >= ' ' && r <= '~':
			symbol = true
		case r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0):
			return Errorf(EInvalid, "password", "密码第%d个字符是控制字符，不能使用", pos)
		default:
			return Errorf(EInvalid, "password",
				"密码只能使用英文键盘上的字母、数字和符号，第%d个字符“%s”不能使用：手机和浏览器的密码框通常无法输入汉字和全角字符，登录时会输不进去",
				pos, displayRune(r))
		}
	}
	classes := 0
	for _, b := range []bool{upper, lower, digit, symbol} {
		if b {
			classes++
		}
	}
	if classes < 3 {
		return Errorf(EInvalid, "password", "密码需包含大写字母、小写字母、数字、符号中的至少三类")
	}
	cores := passwordCores(pw)
	if name := strings.ToLower(strings.TrimSpace(login)); name != "" {
		folded := foldLookalikes(name)
		for _, c := range cores {
			if c == folded || (len(name) >= 3 && strings.Contains(c, folded)) {
				return Errorf(EInvalid, "password", "密码不能包含登录名")
			}
		}
		if len(name) >= 3 && strings.Contains(strings.ToLower(pw), name) {
			return Errorf(EInvalid, "password", "密码不能包含登录名")
		}
	}
	for _, c := range cores {
		if word, ok := commonPasswords()[c]; ok {
			return Errorf(EInvalid, "password", "密码太常见，是常用密码“%s”的变形，很容易被猜中，请换一个", word)
		}
		if len(c) >= 4 && distinctBytes(c) <= 2 {
			return Errorf(EInvalid, "password", "密码太简单：去掉首尾的数字和符号后只剩一两个字母的重复，很容易被猜中，请换一个")
		}
	}
	return nil
}

// passwordCores returns what a guesser starts from when pw is an ASCII
// password: lower case, with the digits and symbols at both ends stripped
// and look-alikes folded. Two readings, because a look-alike at the start
// ("4dmin2026") is stripped by the first and kept by the second.
func passwordCores(pw string) []string {
	lower := strings.ToLower(pw)
	a := foldLookalikes(trimNonLetters(lower))
	b := trimNonLetters(foldLookalikes(strings.TrimRightFunc(lower, notLetter)))
	if a == b {
		return []string{a}
	}
	return []string{a, b}
}

func notLetter(r rune) bool { return r < 'a' || r > 'z' }

func trimNonLetters(s string) string { return strings.TrimFunc(s, notLetter) }

// foldLookalikes maps the characters people substitute for letters to the
// letter; 1, ! and l all become i, so that "l" and "i" are one letter here,
// which makes a few more words collide and misses none.
var foldLookalikes = strings.NewReplacer(
	"@", "a", "4", "a", "0", "o", "1", "i", "!", "i", "|", "i", "l", "i",
	"3", "e", "$", "s", "5", "s", "7", "t",
).Replace

func distinctBytes(s string) int {
	var seen [256]bool
	n := 0
	for i := 0; i < len(s); i++ {
		if !seen[s[i]] {
			seen[s[i]] = true
			n++
		}
	}
	return n
}

//go:embed data/common-passwords.txt
var commonPasswordList string

// commonPasswords maps the core of each listed password to the entry as
// written, for the message. Built on first use, so that a program that
// never sets a password does not pay for it.
var commonPasswords = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(commonPasswordList, "\n") {
		w := strings.ToLower(strings.TrimSpace(line))
		if w == "" || strings.HasPrefix(w, "#") {
			continue
		}
		if core := foldLookalikes(trimNonLetters(w)); core != "" {
			if _, ok := m[core]; !ok {
				m[core] = w
			}
		}
	}
	return m
})
