package zhuxiang

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkInvalid fails unless err is the *Error users are meant to see: code
// invalid, the right field and a readable message.
func checkInvalid(t *testing.T, err error, field string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is %T, want *Error", err, err)
	}
	if e.Code != EInvalid || e.Field != field || e.Message == "" || !utf8.ValidString(e.Message) {
		t.Fatalf("error = %+v, want invalid %s with a message", *e, field)
	}
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{
		handCheckedCreditCode, "9144030071526726XG", "51652800MJ012345B0",
		"53652800MJ89216346", "", "５３６５２８００ｍｊ８９２１６３４５", "53652800MI89216345",
		// Right check character, wrong structure (defect 9), and an
		// enterprise's code that is valid but not a social organization's.
		"51A52827MJ0000010A", "5165282AMJ0000010T", "5B652827MJ0000010G", "91652827MJ0000010B",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateCreditCode(s)
		if err != nil {
			checkInvalid(t, err, "credit_code")
			if got != "" {
				t.Fatalf("ValidateCreditCode(%q) = %q with error %v", s, got, err)
			}
		} else {
			checkAcceptedCreditCode(t, s, got)
		}

		// Most random inputs fail, so also complete the input's first 17
		// characters with their check character: the result must pass
		// exactly when its positions 1–8 are well formed.
		norm := NormalizeCreditCode(s)
		if len(norm) >= 17 {
			first17 := norm[:17]
			c, err := CreditCodeCheckChar(first17)
			if err != nil {
				checkInvalid(t, err, "credit_code")
				return
			}
			code := first17 + string(c)
			got, err := ValidateCreditCode(code)
			if !wellFormedCreditCode(code) {
				if err == nil {
					t.Fatalf("%q accepted, its positions 1–8 are not GB 32100's", code)
				}
				checkInvalid(t, err, "credit_code")
				if !strings.Contains(ErrorMessage(err), "第1位") && !strings.Contains(ErrorMessage(err), "第2位") && !strings.Contains(ErrorMessage(err), "第3–8位") {
					t.Fatalf("%q rejected without naming the position: %v", code, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("completed code %q rejected: %v", code, err)
			}
			checkAcceptedCreditCode(t, code, got)
			// A social organization's code is one issued by civil affairs.
			_, err = ValidateSocialOrgCreditCode(code)
			if (err == nil) != (code[0] == '5') {
				t.Fatalf("ValidateSocialOrgCreditCode(%q): %v", code, err)
			}
		}
	})
}

// wellFormedCreditCode is the test's own transcription of GB 32100-2015's
// positions 1–8 (department, the kinds it registers, a division code
// starting with a province or 100000), written apart from the code under
// test. code is 18 characters of the alphabet.
func wellFormedCreditCode(code string) bool {
	kinds := map[string]string{
		"1": "1239", "2": "19", "3": "123459", "4": "19", "5": "1239", "6": "129",
		"7": "129", "8": "19", "9": "123", "A": "19", "N": "1239", "Y": "1",
	}
	k, ok := kinds[code[:1]]
	if !ok || !strings.ContainsAny(code[1:2], k) {
		return false
	}
	n, err := strconv.Atoi(code[2:8])
	if err != nil || strings.ContainsAny(code[2:8], "+-") {
		return false
	}
	switch p := n / 10000; {
	case n == 100000:
		return true
	case p >= 11 && p <= 15, p >= 21 && p <= 23, p >= 31 && p <= 37, p >= 41 && p <= 46,
		p >= 50 && p <= 54, p >= 61 && p <= 65, p == 71, p == 81, p == 82:
		return true
	}
	return false
}

func checkAcceptedCreditCode(t *testing.T, in, got string) {
	t.Helper()
	if len(got) != 18 || utf8.RuneCountInString(got) != 18 {
		t.Fatalf("ValidateCreditCode(%q) accepted %q, not 18 characters", in, got)
	}
	if got != NormalizeCreditCode(in) {
		t.Fatalf("ValidateCreditCode(%q) = %q, want the normalized input %q", in, got, NormalizeCreditCode(in))
	}
	again, err := ValidateCreditCode(got)
	if err != nil || again != got {
		t.Fatalf("revalidating %q gave %q, %v", got, again, err)
	}
	for i := range 18 {
		for j := range len(creditCodeChars) {
			if creditCodeChars[j] == got[i] {
				continue
			}
			bad := got[:i] + creditCodeChars[j:j+1] + got[i+1:]
			if _, err := ValidateCreditCode(bad); err == nil {
				t.Fatalf("%q accepted, a one-character change of %q", bad, got)
			}
		}
	}
}

func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{
		standardIDNumber, "11010519491231002x", "652801200002290048",
		"110105194902300021", "110105194912310021", "", "１１０１０５１９４９１２３１００２ｘ", "110105491231002",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ValidateIDNumber(s)
		if err != nil {
			checkInvalid(t, err, "id_number")
			if got != "" {
				t.Fatalf("ValidateIDNumber(%q) = %q with error %v", s, got, err)
			}
			if d, ok := IDNumberBirthDate(s); ok || !d.IsZero() {
				t.Fatalf("IDNumberBirthDate(%q) = %v, %v for an invalid number", s, d, ok)
			}
		} else {
			checkAcceptedIDNumber(t, s, got)
		}

		norm := NormalizeIDNumber(s)
		if len(norm) >= 17 {
			first17 := norm[:17]
			c, err := IDNumberCheckChar(first17)
			if err != nil {
				checkInvalid(t, err, "id_number")
				return
			}
			id := first17 + string(c)
			got, err := ValidateIDNumber(id)
			if _, dateOK := parseIDBirthDate(first17[6:14]); dateOK != (err == nil) {
				t.Fatalf("completed number %q: date ok %v, validation error %v", id, dateOK, err)
			}
			if err == nil {
				checkAcceptedIDNumber(t, id, got)
			}
		}
	})
}

func checkAcceptedIDNumber(t *testing.T, in, got string) {
	t.Helper()
	if len(got) != 18 || utf8.RuneCountInString(got) != 18 {
		t.Fatalf("ValidateIDNumber(%q) accepted %q, not 18 characters", in, got)
	}
	if got != NormalizeIDNumber(in) {
		t.Fatalf("ValidateIDNumber(%q) = %q, want the normalized input", in, got)
	}
	again, err := ValidateIDNumber(got)
	if err != nil || again != got {
		t.Fatalf("revalidating %q gave %q, %v", got, again, err)
	}
	d, ok := IDNumberBirthDate(got)
	if !ok || d.Format("20060102") != got[6:14] {
		t.Fatalf("IDNumberBirthDate(%q) = %v, %v", got, d, ok)
	}
	if m := MaskIDNumber(got); len(m) != 18 || m[:3] != got[:3] || m[14:] != got[14:] || strings.Trim(m[3:14], "*") != "" {
		t.Fatalf("MaskIDNumber(%q) = %q", got, m)
	}
	for i := range 18 {
		for _, c := range "0123456789X" {
			if byte(c) == got[i] {
				continue
			}
			bad := got[:i] + string(c) + got[i+1:]
			if _, err := ValidateIDNumber(bad); err == nil {
				t.Fatalf("%q accepted, a one-character change of %q", bad, got)
			}
		}
	}
}

func FuzzSearchKeys(f *testing.F) {
	for _, s := range []string{"库尔勒市", "重庆", "巴州2号协会", "", "ＡＢＣ协会", "Kashi 喀什", strings.Repeat("重长行会乐", 4)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		keys := SearchKeys(s)
		if !utf8.ValidString(keys) {
			t.Fatalf("SearchKeys(%q) = %q, not valid UTF-8", s, keys)
		}
		if keys != strings.ToLower(keys) {
			t.Fatalf("SearchKeys(%q) = %q, not lower-case", s, keys)
		}
		if limit := 40*len(s) + 64; len(keys) > limit {
			t.Fatalf("SearchKeys(%q) is %d bytes, more than %d", s, len(keys), limit)
		}
		if fields := strings.Fields(keys); len(fields) > 2*maxSearchVariants || strings.Join(fields, " ") != keys {
			t.Fatalf("SearchKeys(%q) = %q, not at most %d single-spaced keys", s, keys, 2*maxSearchVariants)
		}
		q := SearchNormalize(s)
		if !utf8.ValidString(q) && utf8.ValidString(s) {
			t.Fatalf("SearchNormalize(%q) = %q, not valid UTF-8", s, q)
		}
		if SearchNormalize(q) != q {
			t.Fatalf("SearchNormalize not idempotent on %q: %q then %q", s, q, SearchNormalize(q))
		}
	})
}
