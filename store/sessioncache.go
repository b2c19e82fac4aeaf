package store

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// sessionCache keeps recently read sessions on SQLite, each with the
// database's data version at the moment it was read. SQLite's
// "PRAGMA data_version" changes whenever any other connection, in this
// process or another, commits; so an entry is used only while nothing at
// all has been written since it was read, and a logout, a disabled user, a
// new notification or a changed organization anywhere makes every entry
// stale at once. The cache is exact, not merely recent.
//
// The session query (user, unread count, organizations' generation) had
// been a quarter of the CPU of a list page served from a cache;
// checking the data version is one read of the WAL index header.
// PostgreSQL has no such cheap signal, so it reads the session each time.
type sessionCache struct {
	dv   *sql.DB   // one connection that does nothing but ask for the data version
	stmt *sql.Stmt // PRAGMA data_version on dv
	mu   sync.Mutex
	m    map[string]cachedSession // token digest → session
	hits atomic.Int64             // sessions served from the cache, for tests
}

type cachedSession struct {
	sess     Session
	lastSeen time.Time
	version  int64
}

// sessionCacheMax bounds the cache; past it the cache starts over, which
// costs one query per active session.
const sessionCacheMax = 10000

func newSessionCache(ctx context.Context, dsn string) (*sessionCache, error) {
	dv, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	// One connection: data_version is a property of the connection that
	// asks, and it must be the same one every time.
	dv.SetMaxOpenConns(1)
	dv.SetMaxIdleConns(1)
	dv.SetConnMaxIdleTime(0)
	dv.SetConnMaxLifetime(0)
	stmt, err := dv.PrepareContext(ctx, `PRAGMA data_version`)
	if err != nil {
		dv.Close()
		return nil, err
	}
	return &sessionCache{dv: dv, stmt: stmt, m: map[string]cachedSession{}}, nil
}

// version reads the data version; ok is false when it cannot, and the
// caller then reads the session from the database.
func (c *sessionCache) version(ctx context.Context) (v int64, ok bool) {
	if c == nil {
		return 0, false
	}
	if err := c.stmt.QueryRowContext(ctx).Scan(&v); err != nil {
		return 0, false
	}
	return v, true
}

// get returns a copy of the session read under data version v, if there
// is one and it was seen recently enough that its idle timer need not be
// written.
func (c *sessionCache) get(digest string, v int64, now time.Time) (*Session, bool) {
	c.mu.Lock()
	e, ok := c.m[digest]
	c.mu.Unlock()
	if !ok || e.version != v || now.Sub(e.lastSeen) > touchEvery || now.Before(e.lastSeen) {
		return nil, false
	}
	c.hits.Add(1)
	sess := e.sess
	u := *e.sess.User
	sess.User = &u
	return &sess, true
}

func (c *sessionCache) put(digest string, v int64, sess *Session, lastSeen time.Time) {
	if c == nil {
		return
	}
	e := cachedSession{sess: *sess, lastSeen: lastSeen, version: v}
	u := *sess.User
	e.sess.User = &u
	c.mu.Lock()
	if len(c.m) >= sessionCacheMax {
		clear(c.m)
	}
	c.m[digest] = e
	c.mu.Unlock()
}

func (c *sessionCache) close() error {
	if c == nil {
		return nil
	}
	c.stmt.Close()
	return c.dv.Close()
}
