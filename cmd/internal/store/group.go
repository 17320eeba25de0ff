package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	msync "margin/app/sync"
)

// maxGroup bounds how many pushes one group commit holds.
const maxGroup = 64

// errClosed answers a push that arrives as the store closes.
var errClosed = errors.New("store: closed")

// grouper commits SQLite pushes in groups. SQLite has one writer, so
// pushes wait for it in turn anyway; the pushes waiting when the writer
// comes free run in one transaction, each inside its own savepoint, and
// share one commit: one write of the log and one fsync instead of one
// per push. A push that fails is rolled back to its savepoint and fails
// alone; the others commit. Every caller is answered only after the
// commit, so an answer never claims what a crash could take back.
type grouper struct {
	jobs chan *pushJob
	stop chan struct{}
}

// pushJob is one push waiting for the writer.
type pushJob struct {
	ctx    context.Context
	userID string
	req    *msync.PushRequest
	pre    []prepared
	now    time.Time
	done   chan pushDone
}

type pushDone struct {
	res PushResult
	err error
}

// startGroup starts s's group committer; Close stops it.
func (s *db) startGroup() {
	s.group = &grouper{jobs: make(chan *pushJob), stop: s.stop}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.groupLoop()
	}()
}

// push hands a push to the committer and waits for its outcome. Once
// handed over, it waits even if ctx ends: the push may be committing,
// and the caller must not answer as if it had failed.
func (g *grouper) push(ctx context.Context, userID string, req *msync.PushRequest, pre []prepared, now time.Time) (PushResult, error) {
	job := &pushJob{ctx: ctx, userID: userID, req: req, pre: pre, now: now, done: make(chan pushDone, 1)}
	select {
	case g.jobs <- job:
	case <-ctx.Done():
		return PushResult{}, ctx.Err()
	case <-g.stop:
		return PushResult{}, errClosed
	}
	d := <-job.done
	return d.res, d.err
}

func (s *db) groupLoop() {
	for {
		var group []*pushJob
		select {
		case j := <-s.group.jobs:
			group = append(group, j)
		case <-s.stop:
			return
		}
	more:
		for len(group) < maxGroup {
			select {
			case j := <-s.group.jobs:
				group = append(group, j)
			default:
				break more
			}
		}
		s.runGroup(group)
	}
}

// runGroup runs the pushes of one group in one transaction and answers
// each.
func (s *db) runGroup(group []*pushJob) {
	results := make([]pushDone, len(group))
	// No one request's end may roll back the others: statements run
	// without cancellation, and a push whose request has already ended
	// is not started.
	ctx := context.Background()
	err := s.write(ctx, "push", func(tx *sql.Tx) error {
		q := cachedTx{tx: tx, c: &s.stmts}
		for i, j := range group {
			results[i] = pushDone{}
			if err := j.ctx.Err(); err != nil {
				results[i].err = err
				continue
			}
			if _, err := q.ExecContext(ctx, "SAVEPOINT push"); err != nil {
				return err
			}
			jctx := context.WithoutCancel(j.ctx)
			err := s.push(jctx, q, j.userID, j.req, j.pre, j.now, &results[i].res)
			if err != nil {
				if s.retryable(err) {
					return err // the whole group again
				}
				if _, rerr := q.ExecContext(ctx, "ROLLBACK TO push"); rerr != nil {
					return rerr
				}
				results[i] = pushDone{err: err}
			}
			if _, err := q.ExecContext(ctx, "RELEASE push"); err != nil {
				return err
			}
		}
		return nil
	})
	s.stmts.prepare(ctx, s.w)
	for i, j := range group {
		if err != nil {
			results[i] = pushDone{err: err}
		}
		j.done <- results[i]
	}
}
