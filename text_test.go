package zhuxiang

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCheckText(t *testing.T) {
	for _, c := range []struct {
		s     string
		lines bool
		want  string // part of the message; "" for accepted
	}{
		{"红枣销售", false, ""},
		{"制表\t分隔", false, ""},
		{"两\n行", true, ""},
		{"两\r\n行", true, ""},
		{"两\n行", false, "不能换行"},
		{"含\x00", true, "控制字符"},
		{"响铃\a", true, "控制字符"},
		{"删除\x7f", true, "控制字符"},
		{"C1\u0085", true, "控制字符"},
		{"\xff\xfe", true, "UTF-8"},
		{strings.Repeat("长", 10), false, ""},
		{strings.Repeat("长", 11), false, "不能超过10个字"},
	} {
		err := checkText("f", "字段", c.s, 10, c.lines)
		if c.want == "" {
			if err != nil {
				t.Errorf("%q: %v", c.s, err)
			}
			continue
		}
		if err == nil || !strings.Contains(ErrorMessage(err), c.want) || !strings.HasPrefix(ErrorMessage(err), "字段") {
			t.Errorf("%q: %v, want a message with %q", c.s, err, c.want)
		}
		if err != nil {
			checkInvalid(t, err, "f")
		}
	}
	for id, ok := range map[string]bool{"0123abcdef012345": true, "652827100L01": true, "": false, "a\x00": false,
		"with space": false, "汉字": false, strings.Repeat("a", 64): true, strings.Repeat("a", 65): false} {
		if IsID(id) != ok {
			t.Errorf("IsID(%q) = %v", id, !ok)
		}
	}
}

// FuzzNeedText checks that whatever a need's validation accepts can be
// stored alike on both engines: valid UTF-8 without NUL in every text
// field, and people within PostgreSQL's INTEGER.
func FuzzNeedText(f *testing.F) {
	f.Add("红枣销售", "说明", "吨", "张三", int64(12))
	f.Add("红枣\x00销售", "说明", "吨", "张三", int64(12))
	f.Add("标题", "\xff", "吨", "", int64(1)<<31)
	f.Add("标题", "两\n行", "吨\a", "张三", int64(-1))
	f.Fuzz(func(t *testing.T, title, desc, unit, contact string, people int64) {
		n := &Need{CountyCode: "652827", Action: ActionIndustry, Title: title, Description: desc, Unit: unit, Contact: contact, People: int(people), Urgency: 1}
		if err := n.Validate(); err != nil {
			if ErrorCodeOf(err) != EInvalid || !utf8.ValidString(ErrorMessage(err)) || ErrorField(err) == "" {
				t.Fatalf("Validate: %v", err)
			}
			return
		}
		for _, s := range []string{n.Title, n.Description, n.Unit, n.Contact} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
				t.Fatalf("accepted %q", s)
			}
		}
		if n.People < 0 || n.People > MaxInt32 {
			t.Fatalf("accepted people %d", n.People)
		}
	})
}

// TestElapsed: a duration under a second reads in milliseconds, never as
// "0.00 秒".
func TestElapsed(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{0, "不到 1 毫秒"},
		{900 * time.Microsecond, "不到 1 毫秒"},
		{320 * time.Millisecond, "320 毫秒"},
		{999 * time.Millisecond, "999 毫秒"},
		{time.Second, "1.0 秒"},
		{2345 * time.Millisecond, "2.3 秒"},
	} {
		if got := Elapsed(c.d); got != c.want {
			t.Errorf("Elapsed(%v) = %q, want %q", c.d, got, c.want)
		}
	}
}
