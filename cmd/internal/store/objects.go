package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"

	msync "margin/app/sync"
)

// ChangeSeq returns the user's change counter.
func (s *db) ChangeSeq(ctx context.Context, userID string) (int64, error) {
	var seq int64
	err := s.r.QueryRowContext(ctx, "SELECT change_seq FROM users WHERE id = $1", userID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("store: change counter: %w", ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("store: change counter: %w", err)
	}
	return seq, nil
}

// Revisions returns the values kept of one of the user's objects, oldest
// first (by the time they were recorded, then by their clocks).
func (s *db) Revisions(ctx context.Context, userID string, kind msync.Kind, objectID string) ([]Revision, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT field, value, hlc, by_client, reason, recorded_at FROM revisions
		WHERE user_id = $1 AND kind = $2 AND object_id = $3
		ORDER BY recorded_at, hlc, field, by_client`, userID, string(kind), objectID)
	if err != nil {
		return nil, fmt.Errorf("store: revisions: %w", err)
	}
	defer rows.Close()
	var out []Revision
	for rows.Next() {
		r := Revision{Kind: kind, ObjectID: objectID}
		var value []byte
		var recorded int64
		if err := rows.Scan(&r.Field, &value, &r.HLC, &r.By, &r.Reason, &recorded); err != nil {
			return nil, fmt.Errorf("store: revisions: %w", err)
		}
		r.Value, r.Recorded = value, fromMS(recorded)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: revisions: %w", err)
	}
	return out, nil
}

// CollectTombstones purges, user by user, the tombstones that every client
// seen since olderThan has pulled, and those deleted before olderThan
// whatever the clients have pulled, and raises each user's horizon to the
// greatest version purged: a client whose cursor is below it missed a
// deletion and must pull everything again. Each user is one transaction
// that holds the user's row lock, as a push does.
func (s *db) CollectTombstones(ctx context.Context, olderThan time.Time) (int, error) {
	var users []string
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT user_id FROM objects WHERE deleted_hlc <> 0")
	if err != nil {
		return 0, fmt.Errorf("store: collecting tombstones: %w", err)
	}
	for rows.Next() {
		var u string
		if err := rows.Scan(&u); err != nil {
			rows.Close()
			return 0, fmt.Errorf("store: collecting tombstones: %w", err)
		}
		users = append(users, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: collecting tombstones: %w", err)
	}
	cutoff := ms(olderThan)
	total := 0
	for _, u := range users {
		var n int
		err := s.write(ctx, "collect tombstones", func(tx *sql.Tx) error {
			n = 0
			var seq int64
			if err := tx.QueryRowContext(ctx, "SELECT change_seq FROM users WHERE id = $1"+s.forUpdate, u).Scan(&seq); err != nil {
				if errors.Is(err, sql.ErrNoRows) {
					return nil // deleted meanwhile
				}
				return err
			}
			// Everything up to safe has reached every recent client.
			var low sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT MIN(last_pull_version) FROM sync_clients WHERE user_id = $1 AND last_seen_at >= $2",
				u, cutoff).Scan(&low); err != nil {
				return err
			}
			safe := int64(math.MaxInt64)
			if low.Valid {
				safe = low.Int64
			}
			const which = "FROM objects WHERE user_id = $1 AND deleted_hlc <> 0 AND (version <= $2 OR updated_at < $3)"
			var top sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*), MAX(version) "+which, u, safe, cutoff).Scan(&n, &top); err != nil {
				return err
			}
			if n == 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, "DELETE "+which, u, safe, cutoff); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "UPDATE users SET tombstone_horizon = $2 WHERE id = $1 AND tombstone_horizon < $2", u, top.Int64)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("store: collecting tombstones: %w", err)
		}
		total += n
	}
	if total > 0 {
		s.opts.Log.Info("store: purged tombstones", "count", total, "users", len(users))
	}
	return total, nil
}
