package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	msync "margin/app/sync"
)

// S5: a reader pages through a user's changes with limit 7 while 8 writers
// push for that user, each holding its transaction open a random while.
// Every row must reach the reader, at its final version.
func testPagingUnderWrites(t *testing.T, open opener) {
	if problems := pagingUnderWrites(t, open, nil); len(problems) > 0 {
		t.Fatalf("%d problems, first: %s", len(problems), problems[0])
	}
}

// The same check catches the bug the per-user counter prevents: versions
// from a global counter taken before a slow commit. Only PostgreSQL can
// show it; SQLite's single writer commits in version order anyway.
func TestPagingCatchesGlobalCounter(t *testing.T) {
	for try := range 3 {
		var global atomic.Int64
		problems := pagingUnderWrites(t, openPostgresTest, &global)
		if len(problems) > 0 {
			t.Logf("try %d: the check caught %d problems, first: %s", try+1, len(problems), problems[0])
			return
		}
	}
	t.Fatal("three runs with a global counter and no problem found: the paging check cannot catch skipped rows")
}

// pagingUnderWrites runs the S5 scenario and returns what the reader got
// wrong: versions not increasing, rows missed or seen at a stale version.
func pagingUnderWrites(t *testing.T, open opener, global *atomic.Int64) []string {
	s := open(t, Options{
		globalVersions: global,
		Hooks: Hooks{BeforeCommit: func(context.Context) error {
			time.Sleep(time.Duration(rand.IntN(4000)) * time.Microsecond)
			return nil
		}},
	})
	u := newUser(t, s, "ann")
	const writers, pushes = 8, 12
	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			client := fmt.Sprintf("writer-%d", w)
			var id int64
			for p := range pushes {
				now := time.Now()
				id++
				muts := []msync.Mutation{upsert(id, annID(w*1000+p), msync.At(now), annFields("new"))}
				if p%3 == 2 { // and edit an earlier one
					id++
					muts = append(muts, upsert(id, annID(w*1000+p-2), msync.At(now)+1, noteField(fmt.Sprint("edit ", p))))
				}
				if _, err := s.Push(ctx(t), u.ID, &msync.PushRequest{Protocol: 1, ClientID: client, Mutations: muts}, now); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	go func() {
		wg.Wait()
		done.Store(true)
	}()

	var problems []string
	seen := map[string]int64{}
	var cursor, last int64
	deadline := time.Now().Add(45 * time.Second)
	for {
		quiet := done.Load() // read before the pull: a last pull after all commits
		resp, err := s.Pull(ctx(t), u.ID, "reader-1", cursor, 7, time.Now())
		if err != nil {
			t.Fatalf("pull from %d: %v", cursor, err)
		}
		for _, r := range resp.Changes {
			if r.Version <= last {
				problems = append(problems, fmt.Sprintf("version %d after %d", r.Version, last))
			}
			last = r.Version
			seen[r.ID] = r.Version
		}
		cursor = resp.Cursor
		if quiet && !resp.HasMore {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the writers did not finish in time")
		}
	}
	select {
	case err := <-errs:
		t.Fatalf("a writer failed: %v", err)
	default:
	}
	final, _ := pullAll(t, s, u.ID, "", 0, msync.MaxPullLimit)
	if len(final) != writers*pushes {
		t.Fatalf("%d objects stored, want %d", len(final), writers*pushes)
	}
	for _, r := range final {
		switch v, ok := seen[r.ID]; {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s (version %d) never reached the reader", r.ID, r.Version))
		case v != r.Version:
			problems = append(problems, fmt.Sprintf("%s reached the reader at version %d, not its final %d", r.ID, v, r.Version))
		}
	}
	if len(seen) != len(final) {
		problems = append(problems, fmt.Sprintf("the reader saw %d objects, the table has %d", len(seen), len(final)))
	}
	return problems
}
