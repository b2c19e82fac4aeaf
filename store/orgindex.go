package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"

	"zhuxiang"
	"zhuxiang/search"
)

// orgIndex is the SQLite store's search index over organizations (package
// search), and the orgs_gen it reflects. Every write to an organization
// bumps orgs_gen and stamps the row's rev with it in the same transaction,
// so the rows newer than the index are exactly those with a larger rev,
// whichever process wrote them (a CLI import while the server runs).
// Organizations are never deleted (they leave the registry by flags);
// a delete would have to make the index build afresh.
type orgIndex struct {
	mu  sync.RWMutex
	x   *search.Index // nil until first used
	gen int64
}

// rebuildShare is how much of the index may change (replaced documents
// leave stale postings) before the next catch-up builds it afresh.
const rebuildShare = 4

// searchOrgs answers q from the index, first bringing it up to gen, the
// orgs_gen the caller must see (0: whatever is current).
func (s *Store) searchOrgs(ctx context.Context, gen int64, q search.Query) (search.Result, error) {
	if err := s.syncIndex(ctx, gen); err != nil {
		return search.Result{}, err
	}
	s.index.mu.RLock()
	defer s.index.mu.RUnlock()
	return s.index.x.Search(q), nil
}

// WarmSearch builds the search index now rather than at the first search
// (about a second per 100 000 organizations); serve calls it at start.
func (s *Store) WarmSearch(ctx context.Context) error {
	if s.dialect != SQLite {
		return nil
	}
	return s.syncIndex(ctx, 0)
}

func (s *Store) syncIndex(ctx context.Context, want int64) error {
	ix := &s.index
	ix.mu.RLock()
	ok := ix.x != nil && want > 0 && ix.gen >= want
	ix.mu.RUnlock()
	if ok {
		return nil
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.x != nil && want > 0 && ix.gen >= want {
		return nil
	}
	// One read transaction: the generation and the rows it covers come
	// from the same snapshot.
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var gen int64
	if err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE name = 'orgs_gen'`).Scan(&gen); err != nil {
		return err
	}
	if ix.x != nil && gen == ix.gen {
		return nil
	}
	// A generation that went back means the file was replaced (a backup
	// restored): nothing newer than the index says what changed.
	if ix.x != nil && gen > ix.gen {
		var docs []search.Doc
		err := indexDocs(ctx, tx, func(b []search.Doc) { docs = append(docs, b...) }, `WHERE rev > $1`, ix.gen)
		if err != nil {
			return err
		}
		if ix.x.Stale()+len(docs) <= ix.x.Len()/rebuildShare+1000 {
			put := true
			for _, d := range docs {
				if put = ix.x.Put(d); !put {
					break
				}
			}
			if put {
				ix.gen = gen
				return nil
			}
		}
	}
	// Rows are indexed on the other core while this one reads the next.
	batches := make(chan []search.Doc, 2)
	built := make(chan *search.Index)
	go func() { built <- search.BuildStream(batches) }()
	err = indexDocs(ctx, tx, func(b []search.Doc) { batches <- b }, ``)
	close(batches)
	x := <-built
	if err != nil {
		return err
	}
	ix.x, ix.gen = x, gen
	return nil
}

// indexDocs reads organizations as the index sees them, in seq order, and
// hands them to fn in batches.
func indexDocs(ctx context.Context, tx *sql.Tx, fn func([]search.Doc), where string, args ...any) error {
	rows, err := tx.QueryContext(ctx, `SELECT seq, search, reg_county, legal_form, rating, COALESCE(department_id, ''), kinds, flag_abnormal, flag_dishonest FROM orgs `+where+` ORDER BY seq`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	docs := make([]search.Doc, 0, search.BatchSize)
	for rows.Next() {
		var d search.Doc
		var f orgFacts
		if err := rows.Scan(&d.Seq, &d.Text, &f.county, &f.legalForm, &f.rating, &f.department, &f.kinds, &f.abnormal, &f.dishonest); err != nil {
			return err
		}
		d.Facets = f.facets()
		if docs = append(docs, d); len(docs) == search.BatchSize {
			fn(docs)
			docs = make([]search.Doc, 0, search.BatchSize)
		}
	}
	if len(docs) > 0 {
		fn(docs)
	}
	return rows.Err()
}

// orgFacts are the columns that filters and scopes test.
type orgFacts struct {
	county, legalForm, department, kinds string
	rating                               int
	abnormal, dishonest                  bool
}

// facets lists the facet tokens of an organization: one per fact, so that
// filters and scopes are posting lists.
func (f orgFacts) facets() []string {
	out := []string{facetCounty(f.county), facetLegalForm(zhuxiang.LegalForm(f.legalForm)), facetRating(f.rating), facetDepartment(f.department)}
	for _, k := range strings.Split(strings.Trim(f.kinds, ","), ",") {
		if k != "" {
			out = append(out, facetKind(zhuxiang.OrgKind(k)))
		}
	}
	switch {
	case !f.abnormal && !f.dishonest:
		out = append(out, facetNoFlag)
	default:
		if f.abnormal {
			out = append(out, facetFlag(zhuxiang.FlagAbnormal))
		}
		if f.dishonest {
			out = append(out, facetFlag(zhuxiang.FlagDishonest))
		}
	}
	return out
}

// Facet tokens, built the same way for documents and for filters.
func facetCounty(code string) string {
	if code == "" {
		return "cout"
	}
	return "c" + code
}
func facetKind(k zhuxiang.OrgKind) string        { return "k" + string(k) }
func facetLegalForm(f zhuxiang.LegalForm) string { return "f" + string(f) }
func facetRating(r int) string                   { return "r" + strconv.Itoa(r) }
func facetFlag(k zhuxiang.FlagKind) string       { return "x" + string(k) }
func facetDepartment(id string) string {
	if id == "" {
		return "dnone"
	}
	return "d" + id
}

const facetNoFlag = "xnone"
