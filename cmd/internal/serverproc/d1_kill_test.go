package serverproc

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	msync "margin/app/sync"
	"margin/cmd/internal/apitest"
)

const password = "correct horse battery"

// d1Budget is how long D1 may run: RELIABILITY.md asks for 50
// iterations; the test does as many as fit (at least one of each kind).
// MARGIN_D1_SECONDS changes it.
func d1Budget() time.Duration {
	if s, err := strconv.Atoi(os.Getenv("MARGIN_D1_SECONDS")); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if testing.Short() {
		return 10 * time.Second
	}
	return 60 * time.Second
}

// D1: the real binary on a SQLite file is killed with SIGKILL while a
// client pushes 1,000 new annotations in one request: at a random moment
// in the first 500 ms, just before the push's commit, or just after it
// before the answer. Right after the kill the file holds all of the push
// or none of it (all if it was acknowledged); after a restart the client
// pushes again until acknowledged and then holds exactly 1,000, each
// once; the file passes PRAGMA integrity_check.
func TestD1KillDuringPush(t *testing.T) {
	binary(t)
	modes := []string{"random", "before-commit", "after-commit"}
	budget := d1Budget()
	began := time.Now()
	done := map[string]int{}
	outcomes := map[string]int{} // of the random kills
	for i := 0; i < 50; i++ {
		if i >= len(modes) && time.Since(began) > budget {
			break
		}
		mode := modes[i%len(modes)]
		var outcome string
		if !t.Run(fmt.Sprintf("%02d-%s", i, mode), func(t *testing.T) { outcome = d1Iteration(t, mode) }) {
			break
		}
		done[mode]++
		if mode == "random" {
			outcomes[outcome]++
		}
	}
	t.Logf("D1: %d iterations in %v (%d random, %d before commit, %d after commit); random kills: %v",
		done["random"]+done["before-commit"]+done["after-commit"], time.Since(began).Round(time.Second),
		done["random"], done["before-commit"], done["after-commit"], outcomes)
}

// d1Iteration runs one kill and recovery, and says what the kill left:
// "none stored", "all stored, unacknowledged" or "acknowledged".
func d1Iteration(t *testing.T, mode string) string {
	ctx := context.Background()
	data := t.TempDir()
	file := filepath.Join(data, "margin.db")
	var env []string
	switch mode {
	case "before-commit":
		env = []string{"MARGIN_TEST_FAULT=sleep-before-commit=20s"}
	case "after-commit":
		env = []string{"MARGIN_TEST_FAULT=sleep-after-commit=20s"}
	}
	p := start(t, data, env)
	c := apitest.New(p.URL)
	if r, err := c.SignUp(ctx, "ada", password); err != nil || r.Status != http.StatusCreated {
		t.Fatalf("sign up: %v %v", r, err)
	}
	client := apitest.ClientID()
	req := apitest.Creates(client, 1, 1000)

	type outcome struct {
		status int
		err    error
	}
	answered := make(chan outcome, 1)
	go func() {
		r, _, err := c.Push(ctx, req)
		if err != nil {
			answered <- outcome{err: err}
			return
		}
		answered <- outcome{status: r.Status}
	}()
	switch mode {
	case "random":
		time.Sleep(time.Duration(rand.IntN(500)) * time.Millisecond)
	case "before-commit":
		if !p.waitLog("test fault: pausing before commit", 30*time.Second) {
			t.Fatal("the push never reached its commit")
		}
	case "after-commit":
		if !p.waitLog("test fault: pausing after commit", 30*time.Second) {
			t.Fatal("the push never committed")
		}
	}
	p.kill()
	out := <-answered
	acked := out.err == nil && out.status == http.StatusOK
	if out.err == nil && !acked {
		t.Fatalf("push answered %d", out.status)
	}

	// What the killed server left.
	integrity, count, distinct := sqliteCheck(t, file)
	if integrity != "ok" {
		t.Fatalf("integrity_check after the kill: %s", integrity)
	}
	if count != distinct || count != 0 && count != 1000 {
		t.Fatalf("after the kill: %d objects (%d distinct); want all 1,000 or none", count, distinct)
	}
	switch {
	case acked && count != 1000:
		t.Fatalf("the push was acknowledged but %d of 1,000 are stored", count)
	case mode == "before-commit" && count != 0:
		t.Fatalf("killed before the commit, yet %d are stored", count)
	case mode == "after-commit" && count != 1000:
		t.Fatalf("killed after the commit, yet %d are stored", count)
	}

	// Restart; push again until acknowledged.
	p = start(t, data, nil)
	c.Base = p.URL
	var res msync.PushResponse
	for try := 0; ; try++ {
		r, out, err := c.Push(ctx, req)
		if err == nil && r.Status == http.StatusOK {
			res = out
			break
		}
		if try == 20 {
			t.Fatalf("push after the restart: %v %v", r, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := msync.StatusApplied
	if count == 1000 {
		want = msync.StatusSkipped
	}
	if res.LastMutationID != 1000 || len(res.Results) != 1000 {
		t.Fatalf("push after the restart: last mutation %d, %d results", res.LastMutationID, len(res.Results))
	}
	for _, r := range res.Results {
		if r.Status != want {
			t.Fatalf("push after the restart: mutation %d %s, want %s", r.ID, r.Status, want)
		}
	}
	recs, last, err := c.PullAll(ctx, client)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.ID] = true
	}
	if len(recs) != 1000 || len(seen) != 1000 || last != 1000 {
		t.Fatalf("pulled %d records (%d distinct), last mutation %d; want 1,000 and 1,000", len(recs), len(seen), last)
	}
	p.stop(t, 20*time.Second)
	if integrity, n, distinct := sqliteCheck(t, file); integrity != "ok" || n != 1000 || distinct != 1000 {
		t.Fatalf("at the end: integrity_check %q, COUNT(*) %d, COUNT(DISTINCT id) %d", integrity, n, distinct)
	}
	switch {
	case acked:
		return "acknowledged"
	case count == 1000:
		return "all stored, unacknowledged"
	}
	return "none stored"
}
