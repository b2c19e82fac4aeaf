package flow

import (
	"fmt"
	"testing"
)

// BenchmarkSolve times Solve on Synthetic instances with 30 candidates per need: the two
// smaller sizes of the LEMON comparison (offers with room to spare, capacity ≈ 1.2 × demand),
// and the same needs with fewer offers (capacity ≈ 0.96 × demand), where needs must displace
// one another and Solve switches to cost scaling. Building the instance is not timed.
func BenchmarkSolve(b *testing.B) {
	for _, c := range []struct{ needs, offers int }{
		{2000, 1000}, {50000, 20000},
		{2000, 640}, {50000, 16000},
	} {
		b.Run(fmt.Sprintf("%dx%d", c.needs, c.offers), func(b *testing.B) {
			p := Synthetic(c.needs, c.offers, 30, 1)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Solve(p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
