package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	msync "margin/app/sync"
)

// Pushes that wait for SQLite's writer together commit together, but each
// succeeds or fails on its own: a push refused in the middle of a group
// (another user's client id, a failing hook) changes nothing, and the
// others in its group are stored and answered.
func TestGroupCommitIsolatesPushes(t *testing.T) {
	var hold atomic.Bool
	release := make(chan struct{})
	var once sync.Once
	s := openSQLiteTest(t, Options{Hooks: Hooks{BeforeCommit: func(ctx context.Context) error {
		// The first push holds the writer until the others queue up,
		// so they run as one group; the push marked "fail" fails here.
		if hold.Load() {
			once.Do(func() { <-release })
		}
		if ctx.Value(failKey{}) != nil {
			return errors.New("injected failure")
		}
		return nil
	}}})
	alice, bob := newUser(t, s, "alice"), newUser(t, s, "bob")
	now := time.Now()
	push(t, s, alice.ID, "client-alice", now, upsert(1, annID(900), hlcAt(now, 0), annFields("alice's")))
	hold.Store(true)

	const n = 12
	type outcome struct {
		res PushResult
		err error
	}
	results := make([]outcome, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ctx(t)
			client := fmt.Sprintf("client-bob-%02d", i)
			switch i {
			case 4:
				client = "client-alice" // hijack: refused
			case 7:
				c = context.WithValue(c, failKey{}, true)
			}
			res, err := s.Push(c, bob.ID, &msync.PushRequest{Protocol: msync.Protocol, ClientID: client,
				Mutations: []msync.Mutation{upsert(1, annID(i+1), hlcAt(now, i+1), annFields(fmt.Sprint("note ", i)))}}, now)
			results[i] = outcome{res, err}
		}()
		if i == 0 {
			time.Sleep(50 * time.Millisecond) // the first one takes the writer
		}
	}
	time.Sleep(100 * time.Millisecond) // the rest queue behind it
	hold.Store(false)
	close(release)
	wg.Wait()

	for i, o := range results {
		switch i {
		case 4:
			if !errors.Is(o.err, ErrClientOwned) {
				t.Errorf("push %d with alice's client id: %v, want ErrClientOwned", i, o.err)
			}
		case 7:
			if o.err == nil {
				t.Errorf("push %d with a failing hook succeeded", i)
			}
		default:
			if o.err != nil || o.res.Response.LastMutationID != 1 || len(o.res.Response.Results) != 1 ||
				o.res.Response.Results[0].Status != msync.StatusApplied {
				t.Errorf("push %d: %+v %v", i, o.res.Response, o.err)
			}
		}
	}
	recs, _ := pullAll(t, s, bob.ID, "client-bob-00", 0, msync.MaxPullLimit)
	if len(recs) != n-2 {
		t.Fatalf("bob has %d annotations, want %d", len(recs), n-2)
	}
	if seq, _ := s.ChangeSeq(ctx(t), bob.ID); seq != n-2 {
		t.Fatalf("bob's change counter %d, want %d", seq, n-2)
	}
	aliceRecs, last := pullAll(t, s, alice.ID, "client-alice", 0, msync.MaxPullLimit)
	if len(aliceRecs) != 1 || *last.LastMutationID != 1 {
		t.Fatalf("alice's data changed: %d records, last mutation %d", len(aliceRecs), *last.LastMutationID)
	}
	if got := count(t, s, "SELECT COUNT(*) FROM sync_clients WHERE client_id = 'client-bob-07'"); got != 0 {
		t.Fatalf("the failed push left its client row behind")
	}
}

type failKey struct{}
