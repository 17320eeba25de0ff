package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// nameKey is the form of a user name that lookups and uniqueness use.
func nameKey(name string) string { return strings.ToLower(name) }

// CreateUser adds an account with a new random id.
func (s *db) CreateUser(ctx context.Context, name, passwordHash string) (User, error) {
	u := User{ID: randomID(16), Name: name, PasswordHash: passwordHash, Created: fromMS(ms(time.Now()))}
	err := s.write(ctx, "create user", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, name_key, password_hash, created_at)
			VALUES ($1, $2, $3, $4, $5)`, u.ID, u.Name, nameKey(name), passwordHash, ms(u.Created))
		return err
	})
	if s.unique(err) {
		return User{}, fmt.Errorf("store: create user %q: %w", name, ErrExists)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: create user %q: %w", name, err)
	}
	return u, nil
}

// UserByName finds an account by its name, in any case.
func (s *db) UserByName(ctx context.Context, name string) (User, error) {
	return s.user(ctx, "name_key", nameKey(name))
}

// UserByID finds an account by its id.
func (s *db) UserByID(ctx context.Context, id string) (User, error) {
	return s.user(ctx, "id", id)
}

func (s *db) user(ctx context.Context, col, v string) (User, error) {
	var u User
	var created int64
	err := s.r.QueryRowContext(ctx, "SELECT id, name, password_hash, created_at FROM users WHERE "+col+" = $1", v).
		Scan(&u.ID, &u.Name, &u.PasswordHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("store: user: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("store: user: %w", err)
	}
	u.Created = fromMS(created)
	return u, nil
}

// SetPassword replaces a user's password hash.
func (s *db) SetPassword(ctx context.Context, userID, passwordHash string) error {
	err := s.write(ctx, "set password", func(tx *sql.Tx) error {
		return execOne(ctx, tx, "UPDATE users SET password_hash = $2 WHERE id = $1", userID, passwordHash)
	})
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	return nil
}

// DeleteUser removes the user and all that is theirs in one transaction.
// The rows go child first (clients before the user, as a push locks them),
// although the foreign keys would cascade.
func (s *db) DeleteUser(ctx context.Context, userID string) error {
	err := s.write(ctx, "delete user", func(tx *sql.Tx) error {
		for _, q := range []string{
			"DELETE FROM sync_mutations WHERE client_id IN (SELECT client_id FROM sync_clients WHERE user_id = $1)",
			"DELETE FROM sync_clients WHERE user_id = $1",
			"DELETE FROM sessions WHERE user_id = $1",
			"DELETE FROM api_tokens WHERE user_id = $1",
			"DELETE FROM revisions WHERE user_id = $1",
			"DELETE FROM article_index WHERE user_id = $1",
			"DELETE FROM objects WHERE user_id = $1",
		} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		return execOne(ctx, tx, "DELETE FROM users WHERE id = $1", userID)
	})
	if err != nil {
		return fmt.Errorf("store: delete user: %w", err)
	}
	return nil
}

// CreateSession stores a new session, and drops the user's expired ones
// so that they do not pile up.
func (s *db) CreateSession(ctx context.Context, ss Session) error {
	err := s.write(ctx, "create session", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND expires_at <= $2",
			ss.UserID, ms(ss.Created)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (hash, user_id, created_at, expires_at, last_seen_at)
			VALUES ($1, $2, $3, $4, $5)`, ss.Hash, ss.UserID, ms(ss.Created), ms(ss.Expires), ms(ss.LastSeen))
		return err
	})
	switch {
	case s.unique(err):
		return fmt.Errorf("store: create session: %w", ErrExists)
	case s.foreignKey(err):
		return fmt.Errorf("store: create session: no such user: %w", ErrNotFound)
	case err != nil:
		return fmt.Errorf("store: create session: %w", err)
	}
	return nil
}

// seenEvery is how stale a session's last_seen_at may get before Session
// writes it: once a minute at most, so that reading a session is not a
// write on every request.
const seenEvery = time.Minute

// Session returns the unexpired session with the given hash, marked seen
// at now. The stored mark is refreshed at most once a minute.
func (s *db) Session(ctx context.Context, hash string, now time.Time) (Session, error) {
	ss := Session{Hash: hash}
	var created, expires, seen int64
	err := s.r.QueryRowContext(ctx, `SELECT user_id, created_at, expires_at, last_seen_at FROM sessions
		WHERE hash = $1 AND expires_at > $2`, hash, ms(now)).Scan(&ss.UserID, &created, &expires, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, fmt.Errorf("store: session: %w", err)
	}
	ss.Created, ss.Expires, ss.LastSeen = fromMS(created), fromMS(expires), fromMS(seen)
	if now.Sub(ss.LastSeen) >= seenEvery {
		if _, err := s.w.ExecContext(ctx, "UPDATE sessions SET last_seen_at = $2 WHERE hash = $1 AND last_seen_at < $2",
			hash, ms(now)); err != nil {
			s.opts.Log.Warn("store: marking a session seen", "err", err)
		} else {
			ss.LastSeen = fromMS(ms(now))
		}
	}
	return ss, nil
}

// DeleteSession ends one session; an unknown hash is not an error.
func (s *db) DeleteSession(ctx context.Context, hash string) error {
	err := s.write(ctx, "delete session", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE hash = $1", hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteSessions ends all of a user's sessions but keep.
func (s *db) DeleteSessions(ctx context.Context, userID, keep string) error {
	err := s.write(ctx, "delete sessions", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND hash <> $2", userID, keep)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: delete sessions: %w", err)
	}
	return nil
}

// execOne runs a statement that must change a row: none changed is
// ErrNotFound.
func execOne(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
