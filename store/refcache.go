package store

import (
	"context"
	"sync"
	"time"

	"zhuxiang"
)

// refTTL is how long reference data (departments, counties) is reused
// before it is read again. Every list page shows them in its filters, and
// reading them cost a fifth of the page; they change a few times a year.
// Every write committed through this process clears the cache; another process
// behind the same load balancer sees a change within refTTL.
const refTTL = 10 * time.Second

// refCache holds reference data shared by all actors: both lists are public
// to every signed-in user, so caching them cannot widen anyone's scope.
type refCache struct {
	mu       sync.Mutex
	gen      uint64 // bumped by clear, so a load that raced a write is not kept
	at       time.Time
	depts    []*zhuxiang.Department
	counties []*zhuxiang.Region
}

func (c *refCache) clear() {
	c.mu.Lock()
	c.at = time.Time{}
	c.gen++
	c.mu.Unlock()
}

// reference returns the departments and counties, from the cache when it is
// fresh. Callers must not modify what they get.
func (s *Store) reference(ctx context.Context) ([]*zhuxiang.Department, []*zhuxiang.Region, error) {
	c := &s.ref
	c.mu.Lock()
	if time.Since(c.at) < refTTL {
		d, r := c.depts, c.counties
		c.mu.Unlock()
		return d, r, nil
	}
	gen := c.gen
	c.mu.Unlock()
	depts, err := s.loadDepartments(ctx)
	if err != nil {
		return nil, nil, err
	}
	counties, err := s.listRegions(ctx, RegionFilter{Level: zhuxiang.LevelCounty})
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.depts, c.counties, c.at = depts, counties, time.Now()
	}
	c.mu.Unlock()
	return depts, counties, nil
}
