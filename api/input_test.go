package api_test

import (
	"strings"
	"testing"

	"zhuxiang"
	"zhuxiang/store"
	"zhuxiang/store/storetest"
)

// badInput is one scenario of TestBadInput: a request built against the
// fixture, the status both engines must answer, the field the error names
// and a word its Chinese message must contain.
type badInput struct {
	name   string
	role   string
	req    func(f *fixture, n *zhuxiang.Need, o *zhuxiang.Offer) request
	status int
	field  string
	word   string // part of the message, so a generic "内部错误" cannot pass
}

// needWith is a new need's body with one field changed.
func needWith(f *fixture, key string, v any) map[string]any {
	b := needBody(f.village1)
	b[key] = v
	return b
}

// orgWith is a new organization's body with one field changed.
func orgWith(t *testing.T, key string, v any) map[string]any {
	b := newOrgBody(t, "输入检查协会"+strings.Repeat("甲", int(serial.Add(1)%7)), hejing)
	b[key] = v
	return b
}

// TestBadInput sends input that SQLite stores or ignores but PostgreSQL
// refuses (NUL bytes, integers past int32, malformed cursors), and input
// past the domain's limits, and checks that both engines answer the same
// 4xx in the error shape, naming the field in Chinese.
func TestBadInput(t *testing.T) {
	big := int64(1) << 31 // 2147483648: one past PostgreSQL's INTEGER
	long := func(n int) string { return strings.Repeat("长", n) }
	rows := []badInput{
		{"need title with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "title", "红枣\x00销售")}
		}, 422, "title", "控制字符"},
		{"need description with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "description", "说明\x00")}
		}, 422, "description", "控制字符"},
		{"need title with a bell", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "title", "响铃\a")}
		}, 422, "title", "控制字符"},
		{"need title with a newline", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "title", "两\n行")}
		}, 422, "title", "换行"},
		{"need contact with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "contact", "张\x00三")}
		}, 422, "contact", "控制字符"},
		{"need people past int32", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "people", big)}
		}, 422, "people", "受益人数"},
		{"need quantity too big", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "quantity", int64(1)<<62)}
		}, 422, "quantity", "数量"},
		{"need budget too big", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "budget_fen", int64(1)<<62)}
		}, 422, "budget", "预算"},
		{"need urgency past int32", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "urgency", big)}
		}, 422, "urgency", "紧急程度"},
		{"need unit too long", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "unit", long(11))}
		}, 422, "unit", "单位"},
		{"need contact too long", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs", body: needWith(f, "contact", long(51))}
		}, 422, "contact", "联系人"},
		{"need PUT version past int32", "admin", func(f *fixture, n *zhuxiang.Need, _ *zhuxiang.Offer) request {
			b := needPutBody(n, "改标题")
			b["version"] = big
			return request{method: "PUT", path: "/api/v1/needs/" + n.ID, body: b}
		}, 422, "version", "version"},
		{"need step version past int32", "admin", func(f *fixture, n *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs/" + n.ID + "/submit", body: map[string]any{"version": big}}
		}, 422, "version", "version"},
		{"need step reason too long", "admin", func(f *fixture, n *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs/" + n.ID + "/close", body: map[string]any{"reason": long(501)}}
		}, 422, "reason", "理由"},
		{"need step reason with NUL", "admin", func(f *fixture, n *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/needs/" + n.ID + "/close", body: map[string]any{"reason": "不再\x00需要"}}
		}, 422, "reason", "控制字符"},
		{"org intro with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/orgs", body: orgWith(t, "intro", "简介\x00")}
		}, 422, "intro", "控制字符"},
		{"org PUT intro with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "PUT", path: "/api/v1/orgs/" + f.org1.ID, body: putBody(f.current(t, f.org1.ID), "简介\x00")}
		}, 422, "intro", "控制字符"},
		{"org name with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/orgs", body: orgWith(t, "name", "协会\x00")}
		}, 422, "name", "控制字符"},
		{"org rating past int32", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/orgs", body: orgWith(t, "rating", big)}
		}, 422, "rating", "评估等级"},
		{"org PUT version past int32", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			b := putBody(f.current(t, f.org1.ID), "简介")
			b["version"] = big
			return request{method: "PUT", path: "/api/v1/orgs/" + f.org1.ID, body: b}
		}, 422, "version", "version"},
		{"org flag source with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/orgs", body: orgWith(t, "flags", []map[string]any{{"kind": "abnormal", "source": "公告\x00", "date": "2026-01-02"}})}
		}, 422, "flags", "控制字符"},
		{"offer capacity past int32", "admin", func(f *fixture, _ *zhuxiang.Need, o *zhuxiang.Offer) request {
			b := offerPutBody(o, "改标题")
			b["capacity"] = big
			return request{method: "PUT", path: "/api/v1/offers/" + o.ID, body: b}
		}, 422, "capacity", "1 至 1000"},
		{"offer amount too big", "admin", func(f *fixture, _ *zhuxiang.Need, o *zhuxiang.Offer) request {
			b := offerPutBody(o, "改标题")
			b["amount_fen"] = int64(1) << 62
			return request{method: "PUT", path: "/api/v1/offers/" + o.ID, body: b}
		}, 422, "amount", "金额"},
		{"offer PUT version past int32", "admin", func(f *fixture, _ *zhuxiang.Need, o *zhuxiang.Offer) request {
			b := offerPutBody(o, "改标题")
			b["version"] = big
			return request{method: "PUT", path: "/api/v1/offers/" + o.ID, body: b}
		}, 422, "version", "version"},
		{"offer description with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, o *zhuxiang.Offer) request {
			b := offerPutBody(o, "改标题")
			b["description"] = "\x00"
			return request{method: "PUT", path: "/api/v1/offers/" + o.ID, body: b}
		}, 422, "description", "控制字符"},
		{"interest note of several kilobytes", "org", func(f *fixture, n *zhuxiang.Need, o *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/matches", body: map[string]any{"need_id": n.ID, "offer_id": o.ID, "note": long(5000)}}
		}, 422, "note", "留言"},
		{"interest note with NUL", "org", func(f *fixture, n *zhuxiang.Need, o *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/matches", body: map[string]any{"need_id": n.ID, "offer_id": o.ID, "note": "\x00"}}
		}, 422, "note", "控制字符"},
		{"interest in a need id with NUL", "org", func(f *fixture, n *zhuxiang.Need, o *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/matches", body: map[string]any{"need_id": "\x00", "offer_id": o.ID}}
		}, 404, "", "需求"},
		{"pairing note of several kilobytes", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/pairings", body: map[string]any{"org_id": f.org1.ID, "village_code": f.village1,
				"action": "industry", "start_date": "2026-01-01", "note": long(200_000)}}
		}, 422, "note", "备注"},
		{"pairing org id with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/pairings", body: map[string]any{"org_id": "a\x00", "village_code": f.village1,
				"action": "industry", "start_date": "2026-01-01"}}
		}, 422, "org", "社会组织"},
		{"region name with NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "PATCH", path: "/api/v1/regions/" + f.village1, body: map[string]any{"name": "村\x00"}}
		}, 422, "name", "控制字符"},
		{"region version past int32", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "PATCH", path: "/api/v1/regions/" + f.village1, body: map[string]any{"name": "改名村", "version": big}}
		}, 422, "version", "version"},

		{"q with NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs?q=%00"}
		}, 422, "q", "控制字符"},
		{"q with invalid UTF-8", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs?q=%FF%FE"}
		}, 422, "q", "UTF-8"},
		{"public q with NUL", "", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/public/needs?q=%00"}
		}, 422, "q", "控制字符"},
		{"org q with NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs?q=%00"}
		}, 422, "q", "控制字符"},
		{"offer q with NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/offers?q=%00"}
		}, 422, "q", "控制字符"},
		{"village filter with NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs?village=%00"}
		}, 422, "village", "控制字符"},
		{"department filter with NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs?department=%00"}
		}, 422, "department", "控制字符"},
		{"q too long", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs?q=" + long(101)}
		}, 422, "q", "100"},
		{"org cursor of NUL bytes", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs?cursor=nAAAAAAAAAA"}
		}, 422, "cursor", "分页"},
		{"org cursor of invalid UTF-8", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs?cursor=n__8AYWJj"} // "\xff\xfc\x00abc"
		}, 422, "cursor", "分页"},
		{"need cursor past int64", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs?cursor=zzzzzzzzzzzzzzzzzzzz"}
		}, 422, "cursor", "翻页"},
		{"offer cursor negative", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/offers?cursor=-5"}
		}, 422, "cursor", "翻页"},

		{"need id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs/%00"}
		}, 404, "", "不存在"},
		{"public need id NUL", "", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/public/needs/%00"}
		}, 404, "", "不存在"},
		{"need id of invalid UTF-8", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs/%FF"}
		}, 404, "", "不存在"},
		{"need id too long", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/needs/" + strings.Repeat("a", 5000)}
		}, 404, "", "不存在"},
		{"org id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/orgs/%00"}
		}, 404, "", "不存在"},
		{"PUT org id NUL", "admin", func(f *fixture, _ *zhuxiang.Need, _ *zhuxiang.Offer) request {
			return request{method: "PUT", path: "/api/v1/orgs/%00", body: putBody(f.current(t, f.org1.ID), "简介")}
		}, 404, "", "不存在"},
		{"offer id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/offers/%00/proposals"}
		}, 404, "", "不存在"},
		{"match step on id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "POST", path: "/api/v1/matches/%00/accept"}
		}, 404, "", "不存在"},
		{"pairing id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/pairings/%00/agreement"}
		}, 404, "", "不存在"},
		{"plan id NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/plans/%00"}
		}, 404, "", "不存在"},
		{"region code NUL", "admin", func(*fixture, *zhuxiang.Need, *zhuxiang.Offer) request {
			return request{method: "GET", path: "/api/v1/regions/%00"}
		}, 404, "", "不存在"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := newFixture(t, st)
		need := f.newNeed(t, hejing, f.village1, zhuxiang.NeedDraft)
		open := f.newNeed(t, hejing, f.village1, zhuxiang.NeedOpen)
		offer := f.newOffer(t, f.org1)
		for _, c := range rows {
			t.Run(c.name, func(t *testing.T) {
				n := need
				if c.role == "org" {
					n = open // an organization shows interest in a public need
				}
				rq := c.req(f, n, offer)
				rq.token = f.tokens[c.role]
				r := f.do(t, rq)
				code, msg, field := errorOf(t, r)
				if r.status != c.status || field != c.field || !hasHan(msg) || !strings.Contains(msg, c.word) {
					t.Errorf("%s %.80q = %.300s, want %d field %q message with %q", rq.method, rq.path, r, c.status, c.field, c.word)
				}
				if want := codeFor(c.status); zhuxiang.ErrorCode(code) != want {
					t.Errorf("code = %s, want %s", code, want)
				}
			})
		}
		// Nothing half-written: the refused bodies left the records as they were.
		if got := f.currentNeed(t, need.ID); got.Version != need.Version || got.Title != need.Title {
			t.Errorf("need changed by refused requests: %+v", got)
		}
		if got := f.current(t, f.org1.ID); strings.ContainsRune(got.Intro, 0) {
			t.Errorf("org intro stored a NUL: %q", got.Intro)
		}
	})
}
