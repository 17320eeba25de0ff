package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Media is an image of an imported article, stored once by the hash of
// its bytes wherever many articles or users show it. The database holds
// it so that every server on one database serves it with nothing more
// to set up.
type Media struct {
	Hash    string // hex SHA-256 of Data
	Type    string // its media type, image/png…
	Data    []byte
	Created time.Time
}

// ValidMediaHash reports whether h is a media hash as stored: 64 lower
// case hex digits.
func ValidMediaHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// PutMedia stores m, whose Hash must be the SHA-256 of its Data. Storing
// a hash already stored changes nothing: the bytes are the same.
func (s *db) PutMedia(ctx context.Context, m Media) error {
	sum := sha256.Sum256(m.Data)
	if m.Hash != hex.EncodeToString(sum[:]) {
		return fmt.Errorf("store: put media %.16s: the hash is not the SHA-256 of the bytes", m.Hash)
	}
	if m.Type == "" {
		return fmt.Errorf("store: put media %.16s: no media type", m.Hash)
	}
	created := m.Created
	if created.IsZero() {
		created = time.Now()
	}
	err := s.write(ctx, "put media", func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO media (hash, type, bytes, size, created_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (hash) DO NOTHING`, m.Hash, m.Type, m.Data, int64(len(m.Data)), ms(created))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: put media %.16s: %w", m.Hash, err)
	}
	return nil
}

// Media returns the stored image with the given hash, or ErrNotFound.
func (s *db) Media(ctx context.Context, hash string) (Media, error) {
	m := Media{Hash: hash}
	var created int64
	err := s.r.QueryRowContext(ctx, "SELECT type, bytes, created_at FROM media WHERE hash = $1", hash).Scan(&m.Type, &m.Data, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Media{}, fmt.Errorf("store: media %.16s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return Media{}, fmt.Errorf("store: media %.16s: %w", hash, err)
	}
	m.Created = fromMS(created)
	return m, nil
}
