package zhuxiang

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// creditCodeField is the field every credit-code error points at, so the
// form can highlight the right input.
const creditCodeField = "credit_code"

// creditCodeChars lists the GB 32100-2015 alphabet in value order: a
// character's index is its value. I, O, S, V and Z are left out because they
// are easily confused with 1, 0, 5, U and 2 when codes are copied by hand.
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are 3^(i-1) mod 31 for i = 1..17, written out so that the
// table can be checked against the standard at a glance.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// NormalizeCreditCode brings a credit code into the one form it is stored
// in. Codes are often typed with a Chinese input method active, which yields
// full-width letters and digits, or copied with surrounding blanks.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(foldFullWidth(s)))
}

// ValidateCreditCode normalizes s and checks it against GB 32100-2015. It
// returns the normalized code, or an *Error whose message tells the user
// exactly what is wrong, because a bare "格式错误" on an 18-character code
// leaves people guessing.
func ValidateCreditCode(s string) (string, error) {
	code := NormalizeCreditCode(s)
	if code == "" {
		return "", Errorf(EInvalid, creditCodeField, "统一社会信用代码不能为空")
	}
	if n := utf8.RuneCountInString(code); n != 18 {
		return "", Errorf(EInvalid, creditCodeField, "统一社会信用代码应为18位，实际为%d位", n)
	}
	if err := checkCreditCodeChars(code); err != nil {
		return "", err
	}
	want, _ := creditCodeCheck(code[:17])
	if code[17] != want {
		return "", Errorf(EInvalid, creditCodeField, "统一社会信用代码校验位应为“%c”，实际为“%c”", want, code[17])
	}
	return code, nil
}

// CreditCodeCheckChar computes the 18th character for the first 17, which is
// how demo data and tests produce codes that pass validation.
func CreditCodeCheckChar(first17 string) (byte, error) {
	s := NormalizeCreditCode(first17)
	if n := utf8.RuneCountInString(s); n != 17 {
		return 0, Errorf(EInvalid, creditCodeField, "统一社会信用代码前17位应为17位，实际为%d位", n)
	}
	if err := checkCreditCodeChars(s); err != nil {
		return 0, err
	}
	c, _ := creditCodeCheck(s)
	return c, nil
}

// checkCreditCodeChars reports the first character outside the alphabet,
// with its 1-based position, as people count it.
func checkCreditCodeChars(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r >= utf8.RuneSelf || strings.IndexByte(creditCodeChars, byte(r)) < 0 {
			return Errorf(EInvalid, creditCodeField,
				"统一社会信用代码第%d位“%s”不是有效字符（不使用I、O、S、V、Z）", pos, displayRune(r))
		}
	}
	return nil
}

// creditCodeCheck computes the check character of 17 characters already
// known to be in the alphabet.
func creditCodeCheck(first17 string) (byte, bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditCodeWeights[i]
	}
	// 31 − (sum mod 31) is 31 when the sum is a multiple of 31; the standard
	// maps that to 0, which the outer mod does.
	return creditCodeChars[(31-sum%31)%31], true
}

// CreditCodeLegalForm derives the legal form from a code issued by the
// civil-affairs authorities (first character 5), whose second character
// encodes it. Codes issued by other authorities say nothing about it, so the
// result is "" for them.
func CreditCodeLegalForm(code string) LegalForm {
	c := NormalizeCreditCode(code)
	if c == "" || c[0] != '5' {
		return ""
	}
	if len(c) < 2 {
		return LegalOther
	}
	switch c[1] {
	case '1':
		return LegalAssociation
	case '2':
		return LegalService
	case '3':
		return LegalFoundation
	}
	return LegalOther
}

// CreditCodeFormWarning returns a warning when the legal form someone chose
// disagrees with the one the credit code encodes, or "" when they agree or
// the code does not tell. It is a warning rather than an error because the
// registry data is sometimes wrong and the user may know better.
func CreditCodeFormWarning(code string, form LegalForm) string {
	codeForm := CreditCodeLegalForm(code)
	if codeForm == "" || form == "" || codeForm == form {
		return ""
	}
	c := NormalizeCreditCode(code)
	if len(c) < 2 {
		// A lone "5" is a typo the validation reports; a warning would only
		// repeat it less clearly.
		return ""
	}
	second, _ := utf8.DecodeRuneInString(c[1:])
	return fmt.Sprintf("统一社会信用代码第2位为“%s”（%s），与所选法人类型“%s”不一致，请核对",
		displayRune(second), codeForm.Label(), form.Label())
}

// foldFullWidth maps full-width ASCII (U+FF01–U+FF5E) and the ideographic
// space to their half-width forms, which is what a Chinese input method in
// full-width mode produces instead of plain digits and letters.
func foldFullWidth(s string) string {
	if !strings.ContainsFunc(s, isFullWidth) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

func isFullWidth(r rune) bool {
	return r == '\u3000' || (r >= '\uFF01' && r <= '\uFF5E')
}

// displayRune renders a rune for an error message; invisible characters are
// shown by code point, since quoting them would show the user nothing.
func displayRune(r rune) string {
	if r == utf8.RuneError || !unicode.IsPrint(r) {
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}
