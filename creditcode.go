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
	if err := checkCreditCodeStructure(code); err != nil {
		return "", err
	}
	want, _ := creditCodeCheck(code[:17])
	if code[17] != want {
		return "", Errorf(EInvalid, creditCodeField, "统一社会信用代码校验位应为“%c”，实际为“%c”", want, code[17])
	}
	return code, nil
}

// creditCodeDepartment is a registration department of GB 32100-2015
// (position 1) and the kinds of organization it registers (position 2).
type creditCodeDepartment struct {
	name  string
	kinds string
}

// creditCodeDepartments is GB 32100-2015's table of registration
// departments and their kinds: 1 机构编制 (1 机关, 2 事业单位, 3 群众团体,
// 9 其他), 2 外交, 3 司法行政, 4 文化, 5 民政 (1 社会团体, 2 民办非企业单位,
// 3 基金会, 9 其他), 6 旅游, 7 宗教, 8 工会, 9 工商 (1 企业, 2 个体工商户,
// 3 农民专业合作社), A 中央军委改革和编制办公室, N 农业 (collective economic
// organizations of a group, village or township), Y 其他 (always kind 1).
// A code whose first two characters are not in it was not issued by anyone,
// whatever its check character says.
var creditCodeDepartments = map[byte]creditCodeDepartment{
	'1': {"机构编制", "1239"},
	'2': {"外交", "19"},
	'3': {"司法行政", "123459"},
	'4': {"文化", "19"},
	'5': {"民政", "1239"},
	'6': {"旅游", "129"},
	'7': {"宗教", "129"},
	'8': {"工会", "19"},
	'9': {"工商", "123"},
	'A': {"中央军委改革和编制办公室", "19"},
	'N': {"农业", "1239"},
	'Y': {"其他", "1"},
}

// provinceCodes are the first two digits of the GB/T 2260 province-level
// units; positions 3–8 of a credit code are the registering authority's
// division code, which starts with one of them, or is 100000 for the
// national authorities.
const provinceCodes = "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82"

// checkCreditCodeStructure checks positions 1–8 of a code already known to
// be 18 characters of the alphabet: the registration department, the kind
// that department registers, and a six-digit division code. The check
// character alone cannot catch these: a code made up with a letter in the
// region and its check character computed passes it.
func checkCreditCodeStructure(code string) error {
	dept, ok := creditCodeDepartments[code[0]]
	if !ok {
		return Errorf(EInvalid, creditCodeField,
			"统一社会信用代码第1位“%c”不是登记管理部门代码（应为1–9、A、N或Y）", code[0])
	}
	if strings.IndexByte(dept.kinds, code[1]) < 0 {
		return Errorf(EInvalid, creditCodeField,
			"统一社会信用代码第2位“%c”不是%s部门登记的机构类别代码（应为%s）", code[1], dept.name, orList(dept.kinds))
	}
	region := code[2:8]
	for i := 0; i < len(region); i++ {
		if region[i] < '0' || region[i] > '9' {
			return Errorf(EInvalid, creditCodeField,
				"统一社会信用代码第3–8位应为6位行政区划代码，实际为“%s”", region)
		}
	}
	if region != "100000" && !strings.Contains(provinceCodes, region[:2]) {
		return Errorf(EInvalid, creditCodeField,
			"统一社会信用代码第3–8位“%s”不是行政区划代码（前两位“%s”不是省级代码）", region, region[:2])
	}
	return nil
}

// orList writes the characters of s as "1、2、3或9".
func orList(s string) string {
	if len(s) == 1 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s)-1; i++ {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteByte(s[i])
	}
	b.WriteString("或")
	b.WriteByte(s[len(s)-1])
	return b.String()
}

// ValidateSocialOrgCreditCode validates code as ValidateCreditCode does and
// also requires a code issued by the civil-affairs authorities (first
// character 5), the only ones that register social organizations: an
// enterprise's or a co-operative's code is a valid code, but not of an
// organization this platform lists.
func ValidateSocialOrgCreditCode(s string) (string, error) {
	code, err := ValidateCreditCode(s)
	if err != nil {
		return "", err
	}
	if code[0] != '5' {
		return "", Errorf(EInvalid, creditCodeField,
			"社会组织的统一社会信用代码第1位应为“5”（民政部门登记），实际为“%c”（%s部门登记）",
			code[0], creditCodeDepartments[code[0]].name)
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
