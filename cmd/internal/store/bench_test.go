package store

import (
	"fmt"
	"testing"
	"time"

	msync "margin/app/sync"
)

// BenchmarkPull10k pulls 10,000 annotations from cursor 0, in pages of
// 500 and 1000 (the budget for the whole HTTP round is 150 ms).
func BenchmarkPull10k(b *testing.B) {
	for _, be := range backends {
		s := be.open(b, Options{})
		u := newUser(b, s, "ann")
		now := time.Now()
		seedAnnotations(b, s, u.ID, 10000, now)
		for _, c := range []struct {
			limit  int
			client string // "" skips the recording of the pull
		}{{500, "bench-client"}, {1000, "bench-client"}, {1000, ""}} {
			name := fmt.Sprintf("%s/limit=%d", be.name, c.limit)
			if c.client == "" {
				name += "/unrecorded"
			}
			b.Run(name, func(b *testing.B) {
				for b.Loop() {
					recs, _ := pullAll(b, s, u.ID, c.client, 0, c.limit)
					if len(recs) != 10000 {
						b.Fatalf("%d records", len(recs))
					}
				}
			})
		}
	}
}

// BenchmarkPush1000 pushes 1,000 new annotations in one request.
func BenchmarkPush1000(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			s := be.open(b, Options{})
			u := newUser(b, s, "ann")
			for b.Loop() {
				seedAnnotations(b, s, u.ID, 1000, time.Now())
			}
		})
	}
}

var seeded int

func seedAnnotations(tb testing.TB, s *db, userID string, n int, now time.Time) {
	tb.Helper()
	client := fmt.Sprintf("seed-%08d", seeded)
	seeded++
	for start := 0; start < n; start += msync.MaxMutations {
		var muts []msync.Mutation
		for i := start; i < min(n, start+msync.MaxMutations); i++ {
			muts = append(muts, upsert(int64(i+1), annID(seeded*10000000+i), hlcAt(now, i), annFields(fmt.Sprint("note ", i))))
		}
		push(tb, s, userID, client, now, muts...)
	}
}
