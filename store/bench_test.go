package store_test

import (
	"os"
	"runtime"
	"testing"

	"zhuxiang"
	"zhuxiang/secure"
	"zhuxiang/store"
)

// BenchmarkListOrgs times one list page with a search on an existing
// database named by ZHUXIANG_BENCH_DB (make one with
// `zhuxiang demo --scale region --db FILE`).
func BenchmarkListOrgs(b *testing.B) {
	st := benchStore(b)
	for _, q := range []string{"", "kel", "hejing", "红枣产业", "协会", "小麦"} {
		b.Run("q="+q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := st.ListOrgs(ctx, zhuxiang.SystemActor, store.OrgFilter{Q: q}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkListOrgsScoped is BenchmarkListOrgs for a county user with a
// short query and a kind filter: the scope and the filter make the count go
// through the organizations table.
func BenchmarkListOrgsScoped(b *testing.B) {
	st := benchStore(b)
	u, err := st.UserByName(ctx, "hejing")
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"", "hj", "协", "hejing", "协会"} {
		b.Run("q="+q, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := st.ListOrgs(ctx, u.Actor(), store.OrgFilter{Q: q, Kind: zhuxiang.KindAgri}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchStore opens the database named by ZHUXIANG_BENCH_DB (make one with
// `zhuxiang demo --scale region --db FILE`), or skips.
func benchStore(b *testing.B) *store.Store {
	path := os.Getenv("ZHUXIANG_BENCH_DB")
	if path == "" {
		b.Skip("set ZHUXIANG_BENCH_DB to a database with the region-scale demo data")
	}
	// zhuxiang demo left the key beside the database.
	key, err := secure.LoadFieldKeyFile(path + ".key")
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, path, store.WithFieldKey(key))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkSearchIndexBuild times building the search index from the
// database, as serve does at start and after a large import, and reports
// its size: postings, distinct keys, and the heap it keeps.
func BenchmarkSearchIndexBuild(b *testing.B) {
	st := benchStore(b)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var docs, keys, postings int
	for i := 0; i < b.N; i++ {
		var err error
		if docs, keys, postings, err = st.RebuildSearch(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(docs), "docs")
	b.ReportMetric(float64(keys), "keys")
	b.ReportMetric(float64(postings), "postings")
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20), "MB-kept")
}
