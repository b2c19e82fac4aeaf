package zhuxiang

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Hand check of the algorithm, so the tests do not only compare the code
// with itself. First 17 characters 53652800MJ8921634:
//
//	char   5  3  6   5  2   8  0  0   M   J   8   9  2  1  6  3   4
//	value  5  3  6   5  2   8  0  0  21  18   8   9  2  1  6  3   4
//	weight 1  3  9  27 19  26 16 17  20  29  25  13  8 24 10 30  28
//	prod   5  9 54 135 38 208  0  0 420 522 200 117 16 24 60 90 112
//
// Sum 2010; 2010 mod 31 = 2010 − 64·31 = 26; 31 − 26 = 5, so the code is
// 53652800MJ89216345. Likewise 51100000MJ0000000: 5·1 + 1·3 + 1·9 + 21·20 +
// 18·29 = 959, 959 mod 31 = 29, check 31 − 29 = 2.
const handCheckedCreditCode = "53652800MJ89216345"

func TestCreditCodeCheckCharHandComputed(t *testing.T) {
	for _, tc := range []struct {
		first17 string
		want    byte
	}{
		{"53652800MJ8921634", '5'},
		{"51100000MJ0000000", '2'},
	} {
		got, err := CreditCodeCheckChar(tc.first17)
		if err != nil || got != tc.want {
			t.Errorf("CreditCodeCheckChar(%q) = %q, %v; want %q", tc.first17, got, err, tc.want)
		}
	}
}

func TestValidateCreditCodeValid(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"hand computed", handCheckedCreditCode, handCheckedCreditCode},
		{"hand computed 2", "51100000MJ00000002", "51100000MJ00000002"},
		// Published on the business licence of 腾讯科技（深圳）有限公司.
		{"public company", "9144030071526726XG", "9144030071526726XG"},
		{"social service", "52652800MJ7654321U", "52652800MJ7654321U"},
		{"foundation", "53652801MJ0012345D", "53652801MJ0012345D"},
		{"institution", "12100000400012345P", "12100000400012345P"},
		{"letter first", "N2652800MJ0000001Q", "N2652800MJ0000001Q"},
		{"check letter", "91652801MA77Q8R9TW", "91652801MA77Q8R9TW"},
		// Sum is a multiple of 31: 31 − 0 = 31, which the standard writes 0.
		{"check zero", "51652800MJ012345B0", "51652800MJ012345B0"},
		{"check Y", "51652800MJ012345MY", "51652800MJ012345MY"},
		{"lower case", "53652800mj89216345", handCheckedCreditCode},
		{"blanks", "  53652800MJ89216345\t", handCheckedCreditCode},
		{"full width", "５３６５２８００ＭＪ８９２１６３４５", handCheckedCreditCode},
		{"full width lower and ideographic space", "\u3000５３６５２８００ｍｊ８９２１６３４５\u3000", handCheckedCreditCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateCreditCode(tc.in)
			if err != nil {
				t.Fatalf("ValidateCreditCode(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ValidateCreditCode(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestValidateCreditCodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"empty", "", "统一社会信用代码不能为空"},
		{"blank", " \u3000 ", "统一社会信用代码不能为空"},
		{"short", "53652800MJ8921634", "统一社会信用代码应为18位，实际为17位"},
		{"long", "53652800MJ892163450", "统一社会信用代码应为18位，实际为19位"},
		{"runes counted", "中文", "统一社会信用代码应为18位，实际为2位"},
		{"letter I", "53652800MI89216345", "统一社会信用代码第10位“I”不是有效字符（不使用I、O、S、V、Z）"},
		{"letter O", "O3652800MJ89216345", "统一社会信用代码第1位“O”不是有效字符（不使用I、O、S、V、Z）"},
		{"letter S lower", "53652800MJ8921634s", "统一社会信用代码第18位“S”不是有效字符（不使用I、O、S、V、Z）"},
		{"letter V", "536528V0MJ89216345", "统一社会信用代码第7位“V”不是有效字符（不使用I、O、S、V、Z）"},
		{"letter Z", "53652800MJ892163Z5", "统一社会信用代码第17位“Z”不是有效字符（不使用I、O、S、V、Z）"},
		{"punctuation", "53652800-J89216345", "统一社会信用代码第9位“-”不是有效字符（不使用I、O、S、V、Z）"},
		{"inner blank", "53652800 J89216345", "统一社会信用代码第9位“ ”不是有效字符（不使用I、O、S、V、Z）"},
		{"han", "5365280中MJ89216345", "统一社会信用代码第8位“中”不是有效字符（不使用I、O、S、V、Z）"},
		{"control", "53652800\x01J89216345", "统一社会信用代码第9位“U+0001”不是有效字符（不使用I、O、S、V、Z）"},
		{"check", "53652800MJ89216346", "统一社会信用代码校验位应为“5”，实际为“6”"},
		{"check zero", "51652800MJ012345B1", "统一社会信用代码校验位应为“0”，实际为“1”"},
		{"transposed", "53652800MJ98216345", "统一社会信用代码校验位应为“Q”，实际为“5”"},
		// Right check character, wrong structure: the check character is
		// computed over whatever is there, so only the structure catches these.
		{"letter in region start", "51A52827MJ0000010A", "统一社会信用代码第3–8位应为6位行政区划代码，实际为“A52827”"},
		{"letter in region end", "5165282AMJ0000010T", "统一社会信用代码第3–8位应为6位行政区划代码，实际为“65282A”"},
		{"letter as civil-affairs kind", "5B652827MJ0000010G", "统一社会信用代码第2位“B”不是民政部门登记的机构类别代码（应为1、2、3或9）"},
		{"civil-affairs kind 4", withCheck("54652827MJ0000010"), "统一社会信用代码第2位“4”不是民政部门登记的机构类别代码（应为1、2、3或9）"},
		{"enterprise kind 9", withCheck("99652827MJ0000010"), "统一社会信用代码第2位“9”不是工商部门登记的机构类别代码（应为1、2或3）"},
		{"other kind 2", withCheck("Y2652827MJ0000010"), "统一社会信用代码第2位“2”不是其他部门登记的机构类别代码（应为1）"},
		{"no such department 0", withCheck("01652827MJ0000010"), "统一社会信用代码第1位“0”不是登记管理部门代码（应为1–9、A、N或Y）"},
		{"no such department B", withCheck("B1652827MJ0000010"), "统一社会信用代码第1位“B”不是登记管理部门代码（应为1–9、A、N或Y）"},
		{"no such province", withCheck("51002827MJ0000010"), "统一社会信用代码第3–8位“002827”不是行政区划代码（前两位“00”不是省级代码）"},
		{"national prefix not 100000", withCheck("51102827MJ0000010"), "统一社会信用代码第3–8位“102827”不是行政区划代码（前两位“10”不是省级代码）"},
		{"province 66", withCheck("51662827MJ0000010"), "统一社会信用代码第3–8位“662827”不是行政区划代码（前两位“66”不是省级代码）"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateCreditCode(tc.in)
			if err == nil {
				t.Fatalf("ValidateCreditCode(%q) = %q, want error", tc.in, got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if e.Code != EInvalid || e.Field != "credit_code" || e.Message != tc.msg {
				t.Errorf("error = %+v, want {invalid credit_code %s}", *e, tc.msg)
			}
			if got != "" {
				t.Errorf("returned %q with the error, want empty", got)
			}
		})
	}
}

// withCheck completes 17 characters with their check character, for codes
// whose structure is wrong but whose check character is right.
func withCheck(first17 string) string {
	c, err := CreditCodeCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// Every department and kind of GB 32100-2015 with a valid region passes;
// the kinds a department does not register do not.
func TestCreditCodeStructureTable(t *testing.T) {
	valid := map[string]bool{}
	for _, p := range []string{
		"11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49",
		"51", "52", "53", "59", "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93",
		"A1", "A9", "N1", "N2", "N3", "N9", "Y1",
	} {
		valid[p] = true
	}
	for _, d := range creditCodeChars {
		for _, k := range creditCodeChars {
			prefix := string(d) + string(k)
			code := withCheck(prefix + "652827MJ0000010")
			_, err := ValidateCreditCode(code)
			if valid[prefix] && err != nil {
				t.Errorf("%s rejected: %v", code, err)
			}
			if !valid[prefix] && err == nil {
				t.Errorf("%s accepted: department and kind %s do not exist", code, prefix)
			}
		}
	}
	for _, region := range []string{"100000", "110000", "650000", "652800", "652827", "820000", "130000"} {
		if _, err := ValidateCreditCode(withCheck("51" + region + "MJ0000010")); err != nil {
			t.Errorf("region %s rejected: %v", region, err)
		}
	}
}

func TestValidateSocialOrgCreditCode(t *testing.T) {
	const notCivil = "社会组织的统一社会信用代码第1位应为“5”（民政部门登记），实际为“%c”（%s部门登记）"
	for _, tc := range []struct{ in, msg string }{
		{withCheck("51652827MJ0000010"), ""},
		{handCheckedCreditCode, ""},
		{withCheck("59652800MJ0000001"), ""},
		{"91652827MJ0000010B", fmt.Sprintf(notCivil, '9', "工商")},
		{"9144030071526726XG", fmt.Sprintf(notCivil, '9', "工商")},
		{"12100000400012345P", fmt.Sprintf(notCivil, '1', "机构编制")},
		{"N2652800MJ0000001Q", fmt.Sprintf(notCivil, 'N', "农业")},
		{"5B652827MJ0000010G", "统一社会信用代码第2位“B”不是民政部门登记的机构类别代码（应为1、2、3或9）"},
		{"53652800MJ89216346", "统一社会信用代码校验位应为“5”，实际为“6”"},
	} {
		got, err := ValidateSocialOrgCreditCode(tc.in)
		if tc.msg == "" {
			if err != nil || got != tc.in {
				t.Errorf("ValidateSocialOrgCreditCode(%q) = %q, %v; want it accepted", tc.in, got, err)
			}
			continue
		}
		if got != "" || ErrorCodeOf(err) != EInvalid || ErrorField(err) != "credit_code" || ErrorMessage(err) != tc.msg {
			t.Errorf("ValidateSocialOrgCreditCode(%q) = %q, %v; want %s", tc.in, got, err, tc.msg)
		}
	}
	// The organization record asks the same question.
	o := &Org{Name: "和静县某公司", CreditCode: "91652827MJ0000010B", LegalForm: LegalAssociation}
	if _, err := o.Validate(); ErrorField(err) != "credit_code" || !strings.Contains(ErrorMessage(err), "民政部门登记") {
		t.Errorf("Org.Validate with an enterprise's code: %v", err)
	}
}

func TestCreditCodeCheckCharErrors(t *testing.T) {
	for _, tc := range []struct{ in, msg string }{
		{"", "统一社会信用代码前17位应为17位，实际为0位"},
		{"53652800MJ89216345", "统一社会信用代码前17位应为17位，实际为18位"},
		{"53652800MJ892163O", "统一社会信用代码第17位“O”不是有效字符（不使用I、O、S、V、Z）"},
	} {
		_, err := CreditCodeCheckChar(tc.in)
		if ErrorCodeOf(err) != EInvalid || ErrorField(err) != "credit_code" || ErrorMessage(err) != tc.msg {
			t.Errorf("CreditCodeCheckChar(%q) error = %v, want %s", tc.in, err, tc.msg)
		}
	}
}

// Generated codes must validate and every single-character change must be
// caught, which is the property the check character exists for.
func TestCreditCodeGeneratedDetectsSubstitution(t *testing.T) {
	for _, first17 := range []string{
		"51652800MJ0000001", "52652801MJ123456X", "53100000500021676",
		"91652800MA78UWXY0", "Y1652827MJ00000AB", "11100000000000000",
	} {
		c, err := CreditCodeCheckChar(first17)
		if err != nil {
			t.Fatalf("CreditCodeCheckChar(%q): %v", first17, err)
		}
		code := first17 + string(c)
		if _, err := ValidateCreditCode(code); err != nil {
			t.Fatalf("generated %q rejected: %v", code, err)
		}
		for i := range 18 {
			for j := range len(creditCodeChars) {
				if creditCodeChars[j] == code[i] {
					continue
				}
				bad := code[:i] + creditCodeChars[j:j+1] + code[i+1:]
				if _, err := ValidateCreditCode(bad); err == nil {
					t.Errorf("%q accepted (changed position %d of %q)", bad, i+1, code)
				}
			}
		}
	}
}

func TestCreditCodeLegalForm(t *testing.T) {
	for _, tc := range []struct {
		code string
		want LegalForm
	}{
		{"51652800MJ0000001X", LegalAssociation},
		{"52652800MJ7654321U", LegalService},
		{"53652801MJ0012345D", LegalFoundation},
		{"59652800MJ0000001X", LegalOther},
		{"5", LegalOther},
		{" ５３652801MJ0012345D", LegalFoundation},
		{"9144030071526726XG", ""},
		{"12100000400012345P", ""},
		{"", ""},
	} {
		if got := CreditCodeLegalForm(tc.code); got != tc.want {
			t.Errorf("CreditCodeLegalForm(%q) = %q, want %q", tc.code, got, tc.want)
		}
	}
}

func TestCreditCodeFormWarning(t *testing.T) {
	for _, tc := range []struct {
		code string
		form LegalForm
		want string
	}{
		{"51652800MJ0000001X", LegalAssociation, ""},
		{"52652800MJ7654321U", LegalService, ""},
		{"53652801MJ0012345D", LegalFoundation, ""},
		{"59652800MJ0000001X", LegalOther, ""},
		{"51652800MJ0000001X", LegalFoundation, "统一社会信用代码第2位为“1”（社会团体），与所选法人类型“基金会”不一致，请核对"},
		{"52652800MJ7654321U", LegalAssociation, "统一社会信用代码第2位为“2”（社会服务机构），与所选法人类型“社会团体”不一致，请核对"},
		{"53652801MJ0012345D", LegalService, "统一社会信用代码第2位为“3”（基金会），与所选法人类型“社会服务机构”不一致，请核对"},
		{"59652800MJ0000001X", LegalFoundation, "统一社会信用代码第2位为“9”（其他），与所选法人类型“基金会”不一致，请核对"},
		{"51652800MJ0000001X", LegalOther, "统一社会信用代码第2位为“1”（社会团体），与所选法人类型“其他”不一致，请核对"},
		// Not issued by civil affairs, no form chosen yet, or no second
		// character: nothing to compare.
		{"9144030071526726XG", LegalFoundation, ""},
		{"51652800MJ0000001X", "", ""},
		{"5", LegalFoundation, ""},
		{"", LegalFoundation, ""},
	} {
		if got := CreditCodeFormWarning(tc.code, tc.form); got != tc.want {
			t.Errorf("CreditCodeFormWarning(%q, %q) = %q, want %q", tc.code, tc.form, got, tc.want)
		}
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"  abc ":             "ABC",
		"ＡＢＣ１２３":             "ABC123",
		"\u3000９１４４ｘｇ\u3000": "9144XG",
	} {
		if got := NormalizeCreditCode(in); got != want {
			t.Errorf("NormalizeCreditCode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLegalFormLabelAndParse(t *testing.T) {
	for _, tc := range []struct {
		form  LegalForm
		label string
	}{
		{LegalAssociation, "社会团体"},
		{LegalService, "社会服务机构"},
		{LegalFoundation, "基金会"},
		{LegalOther, "其他"},
	} {
		if got := tc.form.Label(); got != tc.label {
			t.Errorf("%q.Label() = %q, want %q", tc.form, got, tc.label)
		}
		for _, in := range []string{string(tc.form), tc.label, " " + tc.label + " ", string(tc.form) + "\u3000"} {
			if got, ok := ParseLegalForm(in); !ok || got != tc.form {
				t.Errorf("ParseLegalForm(%q) = %q, %v; want %q", in, got, ok, tc.form)
			}
		}
	}
	if got, ok := ParseLegalForm("民办非企业单位"); !ok || got != LegalService {
		t.Errorf("ParseLegalForm(民办非企业单位) = %q, %v", got, ok)
	}
	if got, ok := ParseLegalForm("ASSOCIATION"); !ok || got != LegalAssociation {
		t.Errorf("ParseLegalForm(ASSOCIATION) = %q, %v", got, ok)
	}
	for _, in := range []string{"", "公司", "事业单位", "associations"} {
		if got, ok := ParseLegalForm(in); ok {
			t.Errorf("ParseLegalForm(%q) = %q, true; want false", in, got)
		}
	}
	if got := LegalForm("bogus").Label(); got != "bogus" {
		t.Errorf("unknown Label() = %q", got)
	}
}
