package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Token is a personal API token: a secret its user hands to the
// bookmarklet or a script, good for what its scopes name. Only a hash of
// the secret is stored, so a copy of the database can use no token.
type Token struct {
	ID       string // random, text; what the user revokes it by
	UserID   string
	Name     string   // the user's name for it: "Laptop bookmarklet"
	Hash     string   // hex SHA-256 of the secret
	Scopes   []string // what it may do: "import"
	Created  time.Time
	LastUsed time.Time // zero when never used
}

// usedEvery is how stale a token's last use may get before TokenByHash
// writes it: once a minute at most, so that a script importing in a loop
// does not write on every request.
const usedEvery = time.Minute

// CreateToken stores t with a new random id, which it returns with the
// rest of t, unless the user already holds max tokens (ErrTooMany). The
// count and the insert are one transaction under the user's row lock, so
// racing requests cannot pass max together.
func (s *db) CreateToken(ctx context.Context, t Token, max int) (Token, error) {
	t.ID = randomID(8)
	t.Created = fromMS(ms(t.Created))
	t.LastUsed = time.Time{}
	err := s.write(ctx, "create token", func(tx *sql.Tx) error {
		var id string
		err := tx.QueryRowContext(ctx, "SELECT id FROM users WHERE id = $1"+s.forUpdate, t.UserID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM api_tokens WHERE user_id = $1", t.UserID).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return ErrTooMany
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO api_tokens (id, user_id, name, hash, scopes, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, t.ID, t.UserID, t.Name, t.Hash, strings.Join(t.Scopes, " "), ms(t.Created))
		return err
	})
	switch {
	case s.unique(err):
		return Token{}, fmt.Errorf("store: create token: %w", ErrExists)
	case err != nil:
		return Token{}, fmt.Errorf("store: create token: %w", err)
	}
	return t, nil
}

// Tokens returns the user's tokens, newest first.
func (s *db) Tokens(ctx context.Context, userID string) ([]Token, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, user_id, name, hash, scopes, created_at, last_used_at
		FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	return out, nil
}

// TokenByHash returns the token whose secret has the given hash, or
// ErrNotFound, and marks it used at now. The stored mark is refreshed at
// most once a minute.
func (s *db) TokenByHash(ctx context.Context, hash string, now time.Time) (Token, error) {
	row := s.r.QueryRowContext(ctx, `SELECT id, user_id, name, hash, scopes, created_at, last_used_at
		FROM api_tokens WHERE hash = $1`, hash)
	t, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Token{}, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return Token{}, fmt.Errorf("store: token: %w", err)
	}
	if now.Sub(t.LastUsed) >= usedEvery {
		// The condition keeps a slower request from moving the mark back.
		if _, err := s.w.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $2 WHERE hash = $1 AND last_used_at < $2",
			hash, ms(now)); err != nil {
			s.opts.Log.Warn("store: marking a token used", "err", err)
		} else {
			t.LastUsed = fromMS(ms(now))
		}
	}
	return t, nil
}

// DeleteToken revokes one of the user's tokens; another user's token, or
// none, is ErrNotFound.
func (s *db) DeleteToken(ctx context.Context, userID, id string) error {
	err := s.write(ctx, "delete token", func(tx *sql.Tx) error {
		return execOne(ctx, tx, "DELETE FROM api_tokens WHERE user_id = $1 AND id = $2", userID, id)
	})
	if err != nil {
		return fmt.Errorf("store: delete token: %w", err)
	}
	return nil
}

// scanToken reads a row of id, user_id, name, hash, scopes, created_at,
// last_used_at.
func scanToken(row interface{ Scan(...any) error }) (Token, error) {
	var t Token
	var scopes string
	var created, used int64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.Hash, &scopes, &created, &used); err != nil {
		return Token{}, err
	}
	t.Scopes = strings.Fields(scopes)
	t.Created = fromMS(created)
	if used != 0 {
		t.LastUsed = fromMS(used)
	}
	return t, nil
}
