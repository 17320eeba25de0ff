package sync

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Replica is the device's copy of the user's objects, as the Engine uses
// it; margin/app/local's Store implements it. Each method is one
// transaction of the device's database.
type Replica interface {
	// Outbox returns the client id and the first pending mutations the
	// server has not confirmed, in order: at most max, and no more than
	// maxBytes of JSON in all (but at least one).
	Outbox(ctx context.Context, max, maxBytes int) (clientID string, batch []Mutation, err error)
	// Pushed records the answer to a push of batch by clientID: the
	// mutations up to resp.LastMutationID are not sent again. It returns
	// the annotations whose edits were rejected as deleted or not found,
	// whose content it keeps for "restore as new".
	Pushed(ctx context.Context, clientID string, batch []Mutation, resp PushResponse) (rejected []Key, err error)
	// Cursor returns the client id and where the next pull starts.
	Cursor(ctx context.Context) (clientID string, cursor int64, err error)
	// Pulled applies one page of a pull made by clientID: the records
	// become the objects' bases, the pending mutations are applied again
	// on top, those up to page.LastMutationID (last page only) leave the
	// log, and the cursor moves on. It returns the objects whose views
	// changed.
	Pulled(ctx context.Context, clientID string, page PullResponse) (changed []Key, err error)
	// NewClientID replaces the client id and numbers the unconfirmed
	// mutations again from 1.
	NewClientID(ctx context.Context) (string, error)
	// Discard drops the unconfirmed mutation id, which the server cannot
	// take, numbering the later ones down.
	Discard(ctx context.Context, id int64) error
	// Reset forgets what the server sent, keeping the pending mutations,
	// and sets the cursor to 0.
	Reset(ctx context.Context) error
	// Pending returns how many mutations the server has not confirmed.
	Pending(ctx context.Context) (int, error)
	// Clock returns the clock that stamps the replica's edits.
	Clock() *Clock
}

// Transport carries the engine's requests to the server: POST
// /api/sync/push and GET /api/sync/pull. An answer other than success is
// an error wrapping a *StatusError; any other error means the server was
// not reached (or its answer was lost), so the engine goes offline and
// tries again later.
type Transport interface {
	Push(ctx context.Context, req PushRequest) (PushResponse, error)
	Pull(ctx context.Context, clientID string, cursor int64, limit int) (PullResponse, error)
}

// StatusError is an answer from the server other than success.
type StatusError struct {
	Status     int           // the HTTP status
	Code       string        // the answer's machine word: "client_id_reused", "reset_required", …
	Message    string        // its sentence for a person
	RetryAfter time.Duration // Retry-After, zero when the answer had none
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("sync: the server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// ErrSignedOut is returned by Engine.Run when the server says the session
// has ended (401): the reader must sign in again.
var ErrSignedOut = errors.New("sync: signed out")
