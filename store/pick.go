package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"zhuxiang"
)

// Picking a party on a form: a village or an organization found by a
// fragment of its name, its code, or its pinyin (full or initials), among
// those the actor may pick, so that nobody types a 12-digit region code or
// an 18-character credit code to name one.

// Pick is one choice a picker offers, named for people.
type Pick struct {
	ID     string // a village's region code, an organization's id
	Name   string
	County string // the county's name; "" for an organization registered outside the prefecture
	Detail string // a village's township; an organization's credit code
}

// PickLimit is how many choices a picker offers at most: enough to
// recognise the one meant, few enough to read on a phone.
const PickLimit = 20

// villagePickKeys are the key columns of a village, as the pick query
// aliases the regions table.
var villagePickKeys = scopeCols{County: "v.county_code", Village: "v.code"}

const villagePickSQL = `SELECT v.code, v.name, COALESCE(c.name, ''), COALESCE(t.name, '') FROM regions v
	LEFT JOIN regions c ON c.code = v.county_code LEFT JOIN regions t ON t.code = v.parent_code
	WHERE v.level = 'village' AND `

// PickVillages finds the villages the actor may pick
// (zhuxiang.VillagePickScope) whose name, code or pinyin contains every word
// of q, or whose township or county does ("巴伦台 团结" finds 团结村 of
// 巴伦台镇): villages named exactly q first, then by how well the first
// word matches, then in code order; at most PickLimit.
func (s *Store) PickVillages(ctx context.Context, a zhuxiang.Actor, q string) ([]Pick, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	if err := zhuxiang.CanPickVillages(a); err != nil {
		return nil, err
	}
	words := strings.Fields(zhuxiang.SearchNormalize(q))
	if len(words) == 0 {
		return nil, nil
	}
	cond, args := scopeSQL(zhuxiang.VillagePickScope(a), villagePickKeys, 1)
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	for _, w := range words {
		x := arg(like(w))
		cond += ` AND (v.search LIKE ` + x + ` ESCAPE '\' OR t.search LIKE ` + x + ` ESCAPE '\' OR c.search LIKE ` + x + ` ESCAPE '\')`
	}
	// Ranked: the name itself; a word of the village's keys that starts
	// with what was typed (hj: 和静…); then its township's or county's;
	// then a fragment anywhere (友好街道 holds "hj" too, but nobody
	// typing hj means it first).
	exact, start, frag := arg(strings.TrimSpace(q)), arg(likeWordStart(words[0])), arg(like(words[0]))
	order := ` ORDER BY CASE WHEN v.name = ` + exact + ` THEN 0` +
		` WHEN (' ' || v.search) LIKE ` + start + ` ESCAPE '\' THEN 1` +
		` WHEN (' ' || t.search) LIKE ` + start + ` ESCAPE '\' OR (' ' || c.search) LIKE ` + start + ` ESCAPE '\' THEN 2` +
		` WHEN v.search LIKE ` + frag + ` ESCAPE '\' THEN 3 ELSE 4 END, v.code`
	return s.picks(ctx, villagePickSQL+cond+order+` LIMIT `+strconv.Itoa(PickLimit), args...)
}

// PickVillage returns the village with code if the actor may pick it.
func (s *Store) PickVillage(ctx context.Context, a zhuxiang.Actor, code string) (*Pick, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	cond, args := scopeSQL(zhuxiang.VillagePickScope(a), villagePickKeys, 2)
	return s.pickOne(ctx, "村", villagePickSQL+`v.code = $1 AND `+cond, append([]any{code}, args...)...)
}

const orgPickSQL = `SELECT o.id, o.name, COALESCE(c.name, ''), o.credit_code FROM orgs o LEFT JOIN regions c ON c.code = o.reg_county AND o.reg_county <> '' WHERE `

// PickOrgs finds the organizations the actor may read (zhuxiang.OrgScope)
// by name, credit code or pinyin, with the organization search of the
// registry (ListOrgs), after those named exactly q or whose credit code it
// is; at most PickLimit.
func (s *Store) PickOrgs(ctx context.Context, a zhuxiang.Actor, q string) ([]Pick, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	scope, args, err := orgScope(a, 2)
	if err != nil {
		return nil, err
	}
	text := strings.TrimSpace(q)
	if zhuxiang.SearchNormalize(text) == "" {
		return nil, nil
	}
	// An exact name or code first: the search lists matches newest first,
	// and the one meant may be older than a page of longer names.
	// One column per query: with "name = $1 OR credit_code = $1" the
	// planner walks a county's whole index instead of using either.
	col, key := "o.name", text
	if code, err := zhuxiang.ValidateCreditCode(text); err == nil {
		col, key = "o.credit_code", code
	}
	out, err := s.picks(ctx, orgPickSQL+col+` = $1 AND `+scope+` ORDER BY o.name, o.id LIMIT `+strconv.Itoa(PickLimit), append([]any{key}, args...)...)
	if err != nil {
		return nil, err
	}
	page, err := s.ListOrgs(ctx, a, OrgFilter{Q: text, Limit: PickLimit})
	if err != nil {
		return nil, err
	}
	_, counties, err := s.reference(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(counties))
	for _, c := range counties {
		names[c.Code] = c.Name
	}
	seen := map[string]bool{}
	for _, p := range out {
		seen[p.ID] = true
	}
	for _, o := range page.Orgs {
		if len(out) == PickLimit {
			break
		}
		if !seen[o.ID] {
			out = append(out, Pick{ID: o.ID, Name: o.Name, County: names[o.RegCounty], Detail: o.CreditCode})
		}
	}
	return out, nil
}

// PickOrg returns the organization with id if the actor may read it.
func (s *Store) PickOrg(ctx context.Context, a zhuxiang.Actor, id string) (*Pick, error) {
	if err := signedIn(a); err != nil {
		return nil, err
	}
	scope, args, err := orgScope(a, 2)
	if err != nil {
		return nil, err
	}
	return s.pickOne(ctx, "社会组织", orgPickSQL+`o.id = $1 AND `+scope, append([]any{id}, args...)...)
}

func (s *Store) picks(ctx context.Context, q string, args ...any) ([]Pick, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Pick
	for rows.Next() {
		var p Pick
		if err := rows.Scan(&p.ID, &p.Name, &p.County, &p.Detail); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (s *Store) pickOne(ctx context.Context, what, q string, args ...any) (*Pick, error) {
	var p Pick
	err := s.queryRow(ctx, q, args...).Scan(&p.ID, &p.Name, &p.County, &p.Detail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(what)
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}
