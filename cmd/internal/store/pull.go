package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	msync "margin/app/sync"
)

// Pull returns the user's objects changed after cursor, in version order,
// from one snapshot. A cursor of 0 is always good (everything). A cursor
// below the user's tombstone horizon may have missed a purged deletion, so
// it is ErrResetRequired, unless it comes from the pages of a pull from 0
// that the same client began since the last purge. A cursor above the
// user's change counter comes from a database that has since gone back (a
// restored backup): ErrResetRequired too.
func (s *db) Pull(ctx context.Context, userID, clientID string, cursor int64, limit int, now time.Time) (msync.PullResponse, error) {
	if limit <= 0 {
		limit = msync.PullLimit
	}
	limit = min(limit, msync.MaxPullLimit)
	var resp msync.PullResponse
	var horizon int64 // in the pull's snapshot
	var c clientRow
	err := s.read(ctx, "pull", func(tx *sql.Tx) error {
		resp = msync.PullResponse{Cursor: cursor}
		var seq int64
		err := tx.QueryRowContext(ctx, "SELECT change_seq, tombstone_horizon FROM users WHERE id = $1", userID).Scan(&seq, &horizon)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		c = clientRow{fullPull: -1}
		err = tx.QueryRowContext(ctx, `SELECT last_mutation_id, last_pull_version, full_pull_horizon, pulled_at
			FROM sync_clients WHERE client_id = $1 AND user_id = $2`, clientID, userID).
			Scan(&c.lastMutation, &c.lastPull, &c.fullPull, &c.pulledAt)
		c.found = err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if cursor > seq && s.opts.globalVersions == nil { // the broken variant has no counter
			return ErrResetRequired
		}
		// Below the horizon is fine only for a pull from 0 that this
		// client began since the last purge: it never held what was
		// purged.
		if cursor != 0 && cursor < horizon && c.fullPull != horizon {
			return ErrResetRequired
		}
		var cut bool
		if resp.Changes, cut, err = changes(ctx, tx, userID, cursor, limit+1); err != nil {
			return err
		}
		if cut {
			resp.HasMore = true
		} else if len(resp.Changes) > limit {
			resp.Changes, resp.HasMore = resp.Changes[:limit], true
		}
		if n := len(resp.Changes); n > 0 {
			resp.Cursor = resp.Changes[n-1].Version
		}
		if !resp.HasMore {
			lmid := c.lastMutation
			resp.LastMutationID = &lmid
			// The snapshot holds every version up to the counter: the last
			// page may move the cursor there, past versions that moved on
			// or were purged (the broken test variant keeps no counter).
			if s.opts.globalVersions == nil {
				resp.Cursor = max(resp.Cursor, seq)
			}
		}
		return nil
	})
	if err != nil {
		return msync.PullResponse{}, fmt.Errorf("store: pull: %w", err)
	}
	resp.ServerTimeMs = ms(now)
	s.notePull(ctx, userID, clientID, c, cursor, resp.Cursor, horizon, now)
	return resp, nil
}

// clientRow is what a pull reads of the asking client.
type clientRow struct {
	found        bool
	lastMutation int64
	lastPull     int64
	fullPull     int64 // the horizon its last pull from 0 began under; -1: none
	pulledAt     int64 // when lastPull was written
}

// pageBytes bounds the field data of one pull page: articles may hold up
// to a megabyte each, and a page of a thousand of them would make an
// answer no phone should have to hold at once.
const pageBytes = 4 << 20

// changes reads up to limit objects of the user after cursor, with their
// fields. It stops early, with cut set, once the page holds pageBytes of
// field data.
func changes(ctx context.Context, tx *sql.Tx, userID string, cursor int64, limit int) (_ []msync.Record, cut bool, _ error) {
	rows, err := tx.QueryContext(ctx, `SELECT kind, id, version, deleted_hlc, created_at, fields FROM objects
		WHERE user_id = $1 AND version > $2 ORDER BY version LIMIT $3`, userID, cursor, limit)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	out := make([]msync.Record, 0, min(limit, 1024))
	var dec fieldsDecoder
	size := 0
	for rows.Next() {
		if size >= pageBytes {
			return out, true, nil
		}
		var r msync.Record
		var kind string
		var deleted int64
		var fields []byte
		if err := rows.Scan(&kind, &r.ID, &r.Version, &deleted, &r.Created, &fields); err != nil {
			return nil, false, err
		}
		size += len(fields)
		r.Kind, r.Deleted = msync.Kind(kind), msync.HLC(deleted)
		if r.Deleted == 0 {
			if r.Fields, err = dec.decode(fields); err != nil {
				return nil, false, fmt.Errorf("%s %s: %w", r.Kind, r.ID, err)
			}
		}
		out = append(out, r)
	}
	return out, false, rows.Err()
}

// notePull records, after the answer is settled, how far the client has
// pulled (for the tombstone collector) and, for a pull from 0 under a
// horizon, that horizon (for the pull's later pages). Only the latter
// must be written at once; progress is written at most once a minute per
// client, so that pulls are not writes: a stale mark only keeps
// tombstones longer. A failure is logged, not returned: the worst it does
// is keep tombstones longer, or make a pull from 0 start again.
func (s *db) notePull(ctx context.Context, userID, clientID string, c clientRow, from, to, horizon int64, now time.Time) {
	if !msync.ValidClientID(clientID) {
		return
	}
	full := int64(-1)
	if from == 0 && horizon > 0 && c.fullPull != horizon {
		full = horizon
	}
	progress := to > c.lastPull && now.Sub(time.UnixMilli(c.pulledAt)) >= seenEvery
	if full == -1 && !progress && c.found {
		return
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO sync_clients (client_id, user_id, last_pull_version, pulled_at, full_pull_horizon, created_at, last_seen_at)
		VALUES ($1, $2, $3, $5, $4, $5, $5)
		ON CONFLICT (client_id) DO UPDATE SET
			last_pull_version = CASE WHEN sync_clients.last_pull_version < excluded.last_pull_version
				THEN excluded.last_pull_version ELSE sync_clients.last_pull_version END,
			pulled_at = CASE WHEN sync_clients.last_pull_version < excluded.last_pull_version
				THEN excluded.pulled_at ELSE sync_clients.pulled_at END,
			full_pull_horizon = CASE WHEN excluded.full_pull_horizon <> -1
				THEN excluded.full_pull_horizon ELSE sync_clients.full_pull_horizon END,
			last_seen_at = excluded.last_seen_at
		WHERE sync_clients.user_id = excluded.user_id`, clientID, userID, to, full, ms(now))
	if err != nil {
		s.opts.Log.Warn("store: recording a pull", "client", clientID, "err", err)
	}
}
