// Package store keeps Margin's accounts, sessions and every user's synced
// objects, behind one interface with two backends: SQLite (the default,
// one file under the data folder) and PostgreSQL. The SQL is kept
// portable (times as Unix milliseconds, ids as text, no sequences as
// cursors) so CockroachDB could serve too.
//
// Sync follows the protocol in margin/app/sync: each push is one
// transaction; a per-user change counter, bumped inside the writing
// transaction, stamps every changed object, so the order of versions is
// the order of commits for each user and a pull cursor is one integer.
package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	msync "margin/app/sync"
)

// Errors the store returns, wrapped; the server maps them to answers.
var (
	// ErrNotFound: no such user, session or object for this user.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: the user name is taken.
	ErrExists = errors.New("store: already exists")
	// ErrClientOwned: the client id belongs to another user (403).
	ErrClientOwned = errors.New("store: the client id belongs to another user")
	// ErrClientReused: a mutation number was sent again with different
	// content (409): the client lost its state but kept its id.
	ErrClientReused = errors.New("store: mutation number reused with different content")
	// ErrResetRequired: the pull cursor is older than the oldest deletion
	// still kept (410).
	ErrResetRequired = errors.New("store: cursor older than the tombstone horizon")
	// ErrSchemaTooNew: the database was migrated by a newer Margin.
	ErrSchemaTooNew = errors.New("store: the database was written by a newer version of Margin")
	// ErrTooMany: the user holds as many tokens as they may (409).
	ErrTooMany = errors.New("store: too many")
	// ErrBusy: a transient failure after retries; nothing was committed
	// (503 with Retry-After).
	ErrBusy = errors.New("store: busy")
)

// User is an account.
type User struct {
	ID           string // random, text
	Name         string // unique, as typed (compared case-insensitively)
	PasswordHash string // argon2id, in PHC string form
	Created      time.Time
}

// Session is a signed-in browser. Only a hash of the session's secret is
// stored, so a copy of the database opens no sessions.
type Session struct {
	Hash     string // hex SHA-256 of the cookie's secret
	UserID   string
	Created  time.Time
	Expires  time.Time
	LastSeen time.Time
}

// PushResult is what a push did, beyond the answer the client gets:
// Changed tells the server whether to nudge the user's other clients, and
// Clamped counts clocks cut back to the server's time plus MaxSkew.
type PushResult struct {
	Response msync.PushResponse
	Changed  bool
	Clamped  int
}

// Revision is a value kept for recovery: overwritten, lost to a newer
// edit, or deleted.
type Revision struct {
	Kind     msync.Kind
	ObjectID string
	msync.Revision
	Recorded time.Time
}

// Store is Margin's persistence. Every method taking a user id touches
// only that user's data. Implementations are safe for concurrent use.
type Store interface {
	// CreateUser adds an account; a taken name (case-insensitively) is
	// ErrExists.
	CreateUser(ctx context.Context, name, passwordHash string) (User, error)
	// UserByName and UserByID find an account, or return ErrNotFound.
	UserByName(ctx context.Context, name string) (User, error)
	UserByID(ctx context.Context, id string) (User, error)
	// SetPassword replaces a user's password hash.
	SetPassword(ctx context.Context, userID, passwordHash string) error
	// DeleteUser removes the user and everything that is theirs:
	// sessions, tokens, clients, objects, revisions.
	DeleteUser(ctx context.Context, userID string) error

	// CreateSession stores a new session.
	CreateSession(ctx context.Context, s Session) error
	// Session returns the unexpired session with the given hash, or
	// ErrNotFound, and marks it seen at now.
	Session(ctx context.Context, hash string, now time.Time) (Session, error)
	// DeleteSession ends one session; DeleteSessions ends all of a
	// user's sessions but keep (which may be "").
	DeleteSession(ctx context.Context, hash string) error
	DeleteSessions(ctx context.Context, userID, keep string) error

	// CreateToken stores a new API token (t's ID is made, LastUsed is
	// zero) and returns it, unless the user holds max tokens already
	// (ErrTooMany). No such user is ErrNotFound, a hash stored already
	// ErrExists.
	CreateToken(ctx context.Context, t Token, max int) (Token, error)
	// Tokens returns the user's tokens, newest first.
	Tokens(ctx context.Context, userID string) ([]Token, error)
	// TokenByHash returns the token with the given secret's hash, or
	// ErrNotFound, and marks it used at now (written at most once a
	// minute).
	TokenByHash(ctx context.Context, hash string, now time.Time) (Token, error)
	// DeleteToken revokes one of the user's tokens; an id that is not
	// one of theirs is ErrNotFound.
	DeleteToken(ctx context.Context, userID, id string) error

	// Push applies a push for userID in one transaction, as
	// margin/app/sync describes: mutations already applied are skipped,
	// a gap stops the batch, each mutation is validated on its own
	// (msync.CheckMutation) and merged with msync.Apply after its clock
	// is clamped to now+MaxSkew. The request itself must have passed
	// msync.CheckRequest. Errors: ErrClientOwned, ErrClientReused,
	// ErrBusy, ErrNotFound (no such user); on any error nothing is
	// committed.
	Push(ctx context.Context, userID string, req *msync.PushRequest, now time.Time) (PushResult, error)
	// Pull returns the user's changes after cursor, at most limit, from
	// one snapshot; LastMutationID (of clientID, 0 if unknown) only on the
	// last page. A cursor below the user's tombstone horizon is
	// ErrResetRequired, except on the later pages of a pull from 0 that the
	// same client began since the horizon last moved; so is a cursor above
	// the user's change counter (the database went back to a backup).
	Pull(ctx context.Context, userID, clientID string, cursor int64, limit int, now time.Time) (msync.PullResponse, error)
	// ChangeSeq returns the user's change counter: it grows whenever one
	// of their objects changes.
	ChangeSeq(ctx context.Context, userID string) (int64, error)
	// Revisions returns the kept values of one of the user's objects,
	// oldest first.
	Revisions(ctx context.Context, userID string, kind msync.Kind, objectID string) ([]Revision, error)
	// CollectTombstones purges deleted objects whose deletion every
	// client of their user seen since olderThan has pulled, and deletions
	// older than olderThan anyway, raising the users' horizons. It
	// returns how many it purged.
	CollectTombstones(ctx context.Context, olderThan time.Time) (int, error)

	// PutArticle writes doc, an article model's JSON, as the user's
	// article object id (kind article, field doc), an edit by ServerClient
	// at now, so it syncs to all the user's devices; the caller Notifies
	// them. The object and its library index change in one transaction.
	// Errors: ErrDeleted (the user deleted that id), msync.ErrInvalid
	// (not a valid article, or larger than msync.MaxFieldBytes),
	// ErrNotFound (no such user), ErrBusy.
	PutArticle(ctx context.Context, userID, id string, doc json.RawMessage, now time.Time) (OwnArticle, error)
	// DeleteArticle deletes the user's own article id for good, as the
	// server's edit (the caller Notifies the user's devices); ErrNotFound
	// when they have no such live article.
	DeleteArticle(ctx context.Context, userID, id string, now time.Time) error
	// OwnArticles lists the user's own article objects (those the server
	// imported for them and those their devices pushed), the latest
	// stored first, from the index: no model is decoded.
	OwnArticles(ctx context.Context, userID string) ([]OwnArticle, error)
	// ArticleByURL returns the user's own article with the canonical
	// address url, or ErrNotFound.
	ArticleByURL(ctx context.Context, userID, url string) (OwnArticle, error)
	// ArticleDoc returns the model JSON of the user's own article id, or
	// ErrNotFound (also for another user's article).
	ArticleDoc(ctx context.Context, userID, id string) (json.RawMessage, error)

	// PutMedia stores an image by the SHA-256 of its bytes (which
	// m.Hash must be); storing a hash again changes nothing. Media
	// returns one, or ErrNotFound. Images are not any user's: an
	// article's images are found by their hashes.
	PutMedia(ctx context.Context, m Media) error
	Media(ctx context.Context, hash string) (Media, error)

	// Notify tells every listener (in this process and, on PostgreSQL,
	// in every server on the same database) that userID's objects
	// changed; Listen receives those user ids until ctx is done. Listen
	// returns once it is listening; fn must not block.
	Notify(ctx context.Context, userID string) error
	Listen(ctx context.Context, fn func(userID string)) error

	// Backup writes a consistent copy of the database to path while
	// writers go on (SQLite: VACUUM INTO). PostgreSQL answers that
	// pg_dump is the tool.
	Backup(ctx context.Context, path string) error
	// Ping checks that the store answers.
	Ping(ctx context.Context) error
	// Close releases the store.
	Close() error
}
