package zhuxiang

import (
	"errors"
	"testing"
	"time"
)

// 11010519491231002X is the example printed in GB 11643-1999. Hand check:
//
//	digit  1 1  0 1 0  5 1 9  4  9 1  2  3 1 0 0 2
//	weight 7 9 10 5 8  4 2 1  6  3 7  9 10 5 8 4 2
//	prod   7 9  0 5 0 20 2 9 24 27 7 18 30 5 0 0 4
//
// Sum 167; 167 mod 11 = 2; "10X98765432"[2] = X.
const standardIDNumber = "11010519491231002X"

func TestValidateIDNumberValid(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"standard example", standardIDNumber, standardIDNumber},
		{"lower x", "11010519491231002x", standardIDNumber},
		{"full width", "１１０１０５１９４９１２３１００２ｘ", standardIDNumber},
		{"full width upper X", "１１０１０５１９４９１２３１００２Ｘ", standardIDNumber},
		{"blanks", " \u300011010519491231002X\t", standardIDNumber},
		{"check digit", "652801199003071239", "652801199003071239"},
		{"check zero", "652801200101010080", "652801200101010080"},
		{"check X", "65280119900307128X", "65280119900307128X"},
		{"leap day", "652801200002290048", "652801200002290048"},
		{"year 1900", func() string { return withIDCheck(t, "65280119000101001") }(), ""},
		{"year 2100", func() string { return withIDCheck(t, "65280121001231001") }(), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			if want == "" {
				want = tc.in
			}
			got, err := ValidateIDNumber(tc.in)
			if err != nil {
				t.Fatalf("ValidateIDNumber(%q): %v", tc.in, err)
			}
			if got != want {
				t.Errorf("ValidateIDNumber(%q) = %q, want %q", tc.in, got, want)
			}
		})
	}
}

// withIDCheck completes 17 digits with their check character.
func withIDCheck(t *testing.T, first17 string) string {
	t.Helper()
	c, err := IDNumberCheckChar(first17)
	if err != nil {
		t.Fatalf("IDNumberCheckChar(%q): %v", first17, err)
	}
	return first17 + string(c)
}

func TestValidateIDNumberErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"empty", "", "身份证号码不能为空"},
		{"blank", "\u3000 ", "身份证号码不能为空"},
		{"short", "11010519491231002", "身份证号码应为18位，实际为17位"},
		{"old 15 digit", "110105491231002", "身份证号码应为18位，实际为15位"},
		{"long", "11010519491231002X1", "身份证号码应为18位，实际为19位"},
		{"runes counted", "身份证", "身份证号码应为18位，实际为3位"},
		{"letter", "1101051949123100AX", "身份证号码第17位“A”应为数字"},
		{"X inside", "X10105194912310021", "身份证号码第1位“X”应为数字"},
		{"han", "11010519491231中02X", "身份证号码第15位“中”应为数字"},
		{"control", "110105\x009491231002X", "身份证号码第7位“U+0000”应为数字"},
		{"bad last", "11010519491231002Y", "身份证号码第18位“Y”应为数字或X"},
		{"month 13", "110105194913310021", "身份证号码中的出生日期“19491331”无效"},
		{"feb 30", "110105194902300021", "身份证号码中的出生日期“19490230”无效"},
		{"not leap", "110105190002290021", "身份证号码中的出生日期“19000229”无效"},
		{"day zero", "110105194912000021", "身份证号码中的出生日期“19491200”无效"},
		{"year 1899", "110105189912310021", "身份证号码中的出生日期“18991231”无效"},
		{"year 2101", "110105210101010021", "身份证号码中的出生日期“21010101”无效"},
		{"check", "110105194912310021", "身份证号码校验位应为“X”，实际为“1”"},
		{"check X wrong", "65280119900307123X", "身份证号码校验位应为“9”，实际为“X”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ValidateIDNumber(tc.in)
			if err == nil {
				t.Fatalf("ValidateIDNumber(%q) = %q, want error", tc.in, got)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is %T, want *Error", err, err)
			}
			if e.Code != EInvalid || e.Field != "id_number" || e.Message != tc.msg {
				t.Errorf("error = %+v, want {invalid id_number %s}", *e, tc.msg)
			}
		})
	}
}

func TestIDNumberCheckChar(t *testing.T) {
	for _, tc := range []struct {
		first17 string
		want    byte
	}{
		{"11010519491231002", 'X'},
		{"65280119900307123", '9'},
		{"65280120010101008", '0'},
		{"６５２８０１１９９００３０７１２８", 'X'},
	} {
		got, err := IDNumberCheckChar(tc.first17)
		if err != nil || got != tc.want {
			t.Errorf("IDNumberCheckChar(%q) = %q, %v; want %q", tc.first17, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "1101051949123100", "110105194912310021", "1101051949123100X"} {
		if _, err := IDNumberCheckChar(in); ErrorCodeOf(err) != EInvalid || ErrorField(err) != "id_number" {
			t.Errorf("IDNumberCheckChar(%q) error = %v, want invalid id_number", in, err)
		}
	}
}

// Every single-digit change must be caught, by the date or the check.
func TestIDNumberDetectsSubstitution(t *testing.T) {
	for _, id := range []string{standardIDNumber, "652801199003071239", "652801200101010080"} {
		for i := range 18 {
			for _, c := range "0123456789X" {
				if byte(c) == id[i] || (c == 'X' && i < 17) {
					continue
				}
				bad := id[:i] + string(c) + id[i+1:]
				if _, err := ValidateIDNumber(bad); err == nil {
					t.Errorf("%q accepted (changed position %d of %q)", bad, i+1, id)
				}
			}
		}
	}
}

func TestIDNumberBirthDate(t *testing.T) {
	got, ok := IDNumberBirthDate("11010519491231002x")
	if want := time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("IDNumberBirthDate = %v, %v; want %v", got, ok, want)
	}
	got, ok = IDNumberBirthDate("652801200002290048")
	if want := time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
		t.Errorf("IDNumberBirthDate = %v, %v; want %v", got, ok, want)
	}
	for _, in := range []string{"", "110105194912310021", "110105194913310021", "abc"} {
		if got, ok := IDNumberBirthDate(in); ok || !got.IsZero() {
			t.Errorf("IDNumberBirthDate(%q) = %v, %v; want zero, false", in, got, ok)
		}
	}
}

func TestMaskIDNumber(t *testing.T) {
	for in, want := range map[string]string{
		"65280119900307123X": "652***********123X",
		"65280119900307123x": "652***********123X",
		" 110105491231002 ":  "110********1002",
		"1234567":            "*******",
		"12345678":           "123*5678",
		"":                   "",
	} {
		if got := MaskIDNumber(in); got != want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13812345678":    "138****5678",
		" 13812345678 ":  "138****5678",
		"１３８１２３４５６７８":    "138****5678",
		"0996-2021234":   "099*******34",
		"09962021234":    "099****1234",
		"2021234":        "202**34",
		"12345":          "*****",
		"+8613812345678": "+86*********78",
		"":               "",
	} {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
