package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	msync "margin/app/sync"
)

// keepHashes is how many of a client's latest mutation hashes are kept to
// tell a replay from a reused number.
const keepHashes = 1000

// Push applies a push in one transaction. The locks are taken in one
// order everywhere: the client's row, then the user's row (held to the
// end, so the user's pushes run one at a time and each version is greater
// than every committed one), then objects.
//
// On SQLite the pushes waiting for the one writer are committed together
// (see group.go); each still succeeds or fails on its own.
func (s *db) Push(ctx context.Context, userID string, req *msync.PushRequest, now time.Time) (PushResult, error) {
	// Checking and hashing the mutations needs no database: done before
	// the transaction, it does not hold up the one writer.
	pre := make([]prepared, len(req.Mutations))
	for i := range req.Mutations {
		m := &req.Mutations[i]
		pre[i] = prepared{m: m, hash: hashOf(m), err: msync.CheckMutation(m)}
	}
	var res PushResult
	var err error
	if s.group != nil {
		res, err = s.group.push(ctx, userID, req, pre, now)
	} else {
		// PostgreSQL: its driver keeps the statements prepared.
		err = s.write(ctx, "push", func(tx *sql.Tx) error {
			res = PushResult{}
			return s.push(ctx, tx, userID, req, pre, now, &res)
		})
	}
	if err != nil {
		if s.foreignKey(err) {
			err = ErrNotFound // the user was deleted under us
		}
		return PushResult{}, fmt.Errorf("store: push from client %s: %w", req.ClientID, err)
	}
	if s.opts.Hooks.AfterCommit != nil {
		s.opts.Hooks.AfterCommit(ctx)
	}
	return res, nil
}

// pushState is one push's work in progress: the user's objects it read,
// and what it changed, written out at the end in few statements.
type pushState struct {
	userID, clientID string
	now              int64
	seq              int64 // the user's change counter
	records          map[msync.Key]*msync.Record
	foreign          map[string]bool    // annotation ids of other users
	dirty            []msync.Key        // changed objects, in the order first changed
	stamped          map[msync.Key]bool // has a version from this push
	revisions        []revisionRow
	hashes           []hashRow
	global           *atomic.Int64 // the test-only broken variant's counter
}

// prepared is one mutation of a push with what is worked out about it
// before the transaction: its hash and whether it is valid.
type prepared struct {
	m    *msync.Mutation
	hash string
	err  error // from msync.CheckMutation
}

type revisionRow struct {
	kind msync.Kind
	id   string
	msync.Revision
}

type hashRow struct {
	id   int64
	hash string
}

func (s *db) push(ctx context.Context, tx querier, userID string, req *msync.PushRequest, pre []prepared, now time.Time, res *PushResult) error {
	nowMS := ms(now)
	// The client's row first: its lock makes two pushes of one client run
	// one after the other, so a mutation cannot be applied twice. Another
	// user's row is touched too, but the push then rolls back.
	var owner string
	var last int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO sync_clients (client_id, user_id, created_at, last_seen_at)
		VALUES ($1, $2, $3, $3) ON CONFLICT (client_id) DO UPDATE SET last_seen_at = excluded.last_seen_at
		RETURNING user_id, last_mutation_id`, req.ClientID, userID, nowMS).Scan(&owner, &last); err != nil {
		return err
	}
	if owner != userID {
		return ErrClientOwned
	}
	// Then the user's row, held to the end: every version this push stamps
	// is above every version committed before, and none is committed in
	// between.
	st := &pushState{userID: userID, clientID: req.ClientID, now: nowMS,
		records: map[msync.Key]*msync.Record{}, foreign: map[string]bool{},
		stamped: map[msync.Key]bool{},
		global:  s.opts.globalVersions}
	lock := s.forUpdate
	if s.opts.globalVersions != nil {
		lock = "" // the broken variant: no per-user serialization
	}
	if err := tx.QueryRowContext(ctx, "SELECT change_seq FROM users WHERE id = $1"+lock, userID).Scan(&st.seq); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		return err
	}
	startSeq := st.seq

	// Which mutations this push processes: those after last, without a gap.
	var skipped, todo []prepared
	next := last + 1
	for _, p := range pre {
		switch {
		case p.m.ID <= last:
			skipped = append(skipped, p)
		case p.m.ID == next:
			todo = append(todo, p)
			next++
		}
		if p.m.ID > next {
			break
		}
	}
	if err := checkReplays(ctx, tx, req.ClientID, skipped); err != nil {
		return err
	}
	for _, p := range skipped {
		res.Response.Results = append(res.Response.Results, msync.Result{ID: p.m.ID, Status: msync.StatusSkipped})
	}

	var keys []msync.Key
	for _, p := range todo {
		if p.err == nil {
			keys = append(keys, p.m.Key())
		}
	}
	if err := st.load(ctx, tx, keys); err != nil {
		return err
	}
	prevLast := last
	for _, p := range todo {
		r := st.apply(p.m, p.err, res)
		res.Response.Results = append(res.Response.Results, r)
		st.hashes = append(st.hashes, hashRow{p.m.ID, p.hash})
		last = p.m.ID
	}

	if err := st.flush(ctx, tx); err != nil {
		return err
	}
	if len(todo) > 0 {
		if _, err := tx.ExecContext(ctx, "UPDATE sync_clients SET last_mutation_id = $2 WHERE client_id = $1", req.ClientID, last); err != nil {
			return err
		}
		// Old hashes go a hundred at a time, not on every push.
		if last/100 != prevLast/100 && last > keepHashes {
			if _, err := tx.ExecContext(ctx, "DELETE FROM sync_mutations WHERE client_id = $1 AND mutation_id <= $2",
				req.ClientID, last-keepHashes); err != nil {
				return err
			}
		}
	}
	if st.seq != startSeq && s.opts.globalVersions == nil {
		if _, err := tx.ExecContext(ctx, "UPDATE users SET change_seq = $2 WHERE id = $1", userID, st.seq); err != nil {
			return err
		}
	}
	if s.opts.Hooks.BeforeCommit != nil {
		if err := s.opts.Hooks.BeforeCommit(ctx); err != nil {
			return err
		}
	}
	res.Response.LastMutationID = last
	res.Response.ServerTimeMs = nowMS
	res.Changed = len(st.dirty) > 0
	return nil
}

func hashOf(m *msync.Mutation) string {
	h := m.Hash()
	return hex.EncodeToString(h[:])
}

// checkReplays compares mutations the client sent before with the hashes
// kept of them: a different one is a reused number (ErrClientReused).
func checkReplays(ctx context.Context, tx querier, clientID string, ms []prepared) error {
	if len(ms) == 0 {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT mutation_id, hash FROM sync_mutations
		WHERE client_id = $1 AND mutation_id >= $2 AND mutation_id <= $3`, clientID, ms[0].m.ID, ms[len(ms)-1].m.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	kept := map[int64]string{}
	for rows.Next() {
		var id int64
		var h string
		if err := rows.Scan(&id, &h); err != nil {
			return err
		}
		kept[id] = h
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range ms {
		if h, ok := kept[p.m.ID]; ok && h != p.hash {
			return fmt.Errorf("%w: mutation %d", ErrClientReused, p.m.ID)
		}
	}
	return nil
}

// apply processes one mutation against the state and returns its result.
func (st *pushState) apply(m *msync.Mutation, invalid error, res *PushResult) msync.Result {
	if invalid != nil {
		msg := strings.TrimPrefix(invalid.Error(), msync.ErrInvalid.Error()+": ")
		return msync.Result{ID: m.ID, Status: msync.StatusRejected, Reason: msync.ReasonInvalid, Message: msg}
	}
	if m.Kind == msync.KindAnnotation && st.foreign[m.Object] {
		return msync.Result{ID: m.ID, Status: msync.StatusRejected, Reason: msync.ReasonNotFound}
	}
	mm := *m
	var clamped bool
	if mm.HLC, clamped = msync.Clamp(mm.HLC, time.UnixMilli(st.now)); clamped {
		res.Clamped++
	}
	key := mm.Key()
	cur := st.records[key]
	rec, out := msync.Apply(cur, mm, st.clientID)
	for _, r := range out.Revisions {
		st.revisions = append(st.revisions, revisionRow{kind: key.Kind, id: key.ID, Revision: r})
	}
	if out.Changed {
		if !st.stamped[key] {
			st.stamped[key] = true
			st.dirty = append(st.dirty, key)
			rec.Version = st.nextVersion()
		}
		if cur == nil {
			rec.Created = st.now
		}
		st.records[key] = &rec
	}
	return msync.Result{ID: m.ID, Status: out.Status, Reason: out.Reason}
}

// load reads the user's current objects that the keys name, with their
// fields, and which of the annotation ids belong to other users. Each
// query names the kind, so it is a lookup on the primary key (or, for
// annotations, on the unique index of their ids), however many objects
// the user has.
func (st *pushState) load(ctx context.Context, tx querier, keys []msync.Key) error {
	byKind := map[msync.Kind][]string{}
	seen := map[msync.Key]bool{}
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			byKind[k.Kind] = append(byKind[k.Kind], k.ID)
		}
	}
	for kind, ids := range byKind {
		for chunk := range chunks(ids, 500) {
			if err := st.loadChunk(ctx, tx, kind, chunk); err != nil {
				return err
			}
		}
	}
	return nil
}

// loadChunk reads the objects of one kind with the given ids. Annotation
// ids are unique across users, so those are looked up without the user,
// and a row of another user marks the id as foreign.
func (st *pushState) loadChunk(ctx context.Context, tx querier, kind msync.Kind, ids []string) error {
	var rows *sql.Rows
	var err error
	if kind == msync.KindAnnotation {
		rows, err = tx.QueryContext(ctx, "SELECT user_id, id, version, deleted_hlc, created_at, fields FROM objects WHERE kind = 'annotation' AND id IN ("+
			params(1, len(ids))+")", appendStrings(nil, ids)...)
	} else {
		rows, err = tx.QueryContext(ctx, "SELECT user_id, id, version, deleted_hlc, created_at, fields FROM objects WHERE user_id = $1 AND kind = $2 AND id IN ("+
			params(3, len(ids))+")", appendStrings([]any{st.userID, string(kind)}, ids)...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	var dec fieldsDecoder
	for rows.Next() {
		r := msync.Record{Kind: kind}
		var owner string
		var deleted int64
		var fields []byte
		if err := rows.Scan(&owner, &r.ID, &r.Version, &deleted, &r.Created, &fields); err != nil {
			return err
		}
		if owner != st.userID {
			st.foreign[r.ID] = true
			continue
		}
		r.Deleted = msync.HLC(deleted)
		if r.Fields, err = dec.decode(fields); err != nil {
			return fmt.Errorf("%s %s: %w", r.Kind, r.ID, err)
		}
		if r.Fields == nil {
			r.Fields = map[string]msync.Field{}
		}
		st.records[r.Key()] = &r
	}
	return rows.Err()
}

// flush writes the push's changes: objects, the index rows of articles
// among them, revisions and the processed mutations' hashes, many rows a
// statement.
func (st *pushState) flush(ctx context.Context, tx querier) error {
	var objects [][]any
	var articles []*msync.Record
	for _, k := range st.dirty {
		r := st.records[k]
		objects = append(objects, []any{st.userID, string(k.Kind), k.ID, r.Version, int64(r.Deleted), r.Created, st.now, encodeFields(r.Fields)})
		if k.Kind == msync.KindArticle {
			articles = append(articles, r)
		}
	}
	if err := insertRows(ctx, tx, `INSERT INTO objects (user_id, kind, id, version, deleted_hlc, created_at, updated_at, fields) VALUES `,
		` ON CONFLICT (user_id, kind, id) DO UPDATE SET version = excluded.version,
			deleted_hlc = excluded.deleted_hlc, updated_at = excluded.updated_at, fields = excluded.fields`, objects); err != nil {
		return err
	}
	if err := indexArticles(ctx, tx, st.userID, articles); err != nil {
		return err
	}
	var revs [][]any
	for _, r := range st.revisions {
		revs = append(revs, []any{st.userID, string(r.kind), r.id, r.Field, string(r.Value), int64(r.HLC), r.By, r.Reason, st.now})
	}
	if err := insertRows(ctx, tx, `INSERT INTO revisions (user_id, kind, object_id, field, value, hlc, by_client, reason, recorded_at) VALUES `,
		``, revs); err != nil {
		return err
	}
	var hashes [][]any
	for _, h := range st.hashes {
		hashes = append(hashes, []any{st.clientID, h.id, h.hash})
	}
	return insertRows(ctx, tx, `INSERT INTO sync_mutations (client_id, mutation_id, hash) VALUES `,
		` ON CONFLICT (client_id, mutation_id) DO UPDATE SET hash = excluded.hash`, hashes)
}

// nextVersion returns the version for the next changed object: the user's
// counter plus one, or in the test-only broken variant a global counter.
func (st *pushState) nextVersion() int64 {
	if st.global != nil {
		return st.global.Add(1)
	}
	st.seq++
	return st.seq
}
