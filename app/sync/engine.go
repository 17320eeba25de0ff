package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	gosync "sync"
	"time"
)

// Options configure an Engine. Zero fields take the defaults; the time
// functions are there so tests run without waiting.
type Options struct {
	// Now reads the time (time.Now).
	Now func() time.Time
	// After returns a channel that receives after d (time.After).
	After func(d time.Duration) <-chan time.Time
	// Rand returns a number in [0, 1) for back-off jitter
	// (math/rand/v2.Float64).
	Rand func() float64
	// Logf receives warnings: failures the engine copes with, such as
	// an unreachable server it will try again.
	Logf func(format string, args ...any)

	// OnStatus is called with each new status.
	OnStatus func(Status)
	// OnChange is called with the objects a pull changed, so the pages
	// redraw them and tell the other tabs.
	OnChange func([]Key)
	// OnRejected is called with the annotations whose edits the server
	// refused because they were deleted on another device (or their id
	// is taken); the replica keeps their content for "restore as new".
	OnRejected func([]Key)

	// Debounce is how long after a local edit it is pushed (2 s), so a
	// burst of edits goes in one push.
	Debounce time.Duration
	// Interval is how often the engine syncs while the page is visible
	// (60 s), besides the nudges of the server's event stream.
	Interval time.Duration
	// MinBackoff and MaxBackoff bound the wait after a failure (1 s and
	// 60 s): exponential, with full jitter.
	MinBackoff, MaxBackoff time.Duration
}

// Engine keeps a Replica in sync with the server: it pushes the pending
// mutations in order, in batches, and pulls what changed, as the
// protocol in this package describes. Run drives it; Kick, Nudge, Online
// and Visible tell it what happened. Only one engine per database should
// run at a time (in the browser, the tab holding the sync lock).
type Engine struct {
	r Replica
	t Transport
	o Options

	kick, nudge chan struct{}
	online      chan bool
	visible     chan bool

	// pass serialises sync passes: Run's and Sync's.
	pass gosync.Mutex

	// mu guards status.
	mu     gosync.Mutex
	status Status
}

// NewEngine returns an engine that syncs r through t.
func NewEngine(r Replica, t Transport, o Options) *Engine {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	if logf := o.Logf; logf == nil {
		o.Logf = func(string, ...any) {}
	} else {
		// What the engine logs it copes with (an offline device, a
		// refused id): errors go as text, so that a logger that raises
		// the level of messages holding errors (go-app's does) does not.
		o.Logf = func(format string, args ...any) {
			for i, a := range args {
				if err, ok := a.(error); ok {
					args[i] = err.Error()
				}
			}
			logf(format, args...)
		}
	}
	o.Debounce = cmp.Or(o.Debounce, 2*time.Second)
	o.Interval = cmp.Or(o.Interval, 60*time.Second)
	o.MinBackoff = cmp.Or(o.MinBackoff, time.Second)
	o.MaxBackoff = cmp.Or(o.MaxBackoff, 60*time.Second)
	return &Engine{
		r: r, t: t, o: o,
		kick: make(chan struct{}, 1), nudge: make(chan struct{}, 1),
		online: make(chan bool, 1), visible: make(chan bool, 1),
		status: Status{State: Syncing}, // until the first pass says otherwise
	}
}

// Kick says a local edit was stored: it is pushed within Debounce.
func (e *Engine) Kick() { signal(e.kick) }

// Nudge says the server has changes (its event stream said so): they
// are pulled now.
func (e *Engine) Nudge() { signal(e.nudge) }

// Online says the browser went online or offline. Online, the engine
// syncs at once, forgetting its back-off; offline, it waits.
func (e *Engine) Online(on bool) { latest(e.online, on) }

// Visible says the page became visible or hidden; it syncs every
// Interval only while visible, and at once on becoming visible when a
// sync is due.
func (e *Engine) Visible(v bool) { latest(e.visible, v) }

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// latest sends v on c, replacing a value not yet received.
func latest(c chan bool, v bool) {
	for {
		select {
		case c <- v:
			return
		default:
		}
		select {
		case <-c:
		default:
		}
	}
}

// Status returns the engine's current status.
func (e *Engine) Status() Status {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

func (e *Engine) setStatus(s Status) {
	e.mu.Lock()
	e.status = s
	e.mu.Unlock()
	if e.o.OnStatus != nil {
		e.o.OnStatus(s)
	}
}

// pending returns the count of unconfirmed mutations, 0 if it cannot
// be read.
func (e *Engine) pending(ctx context.Context) int {
	n, err := e.r.Pending(ctx)
	if err != nil {
		e.o.Logf("sync: %v", err)
	}
	return n
}

// Run syncs until ctx is done (returning its error) or the server says
// the session ended (returning ErrSignedOut): at once, then within
// Debounce of each Kick, at each Nudge, on going online and every
// Interval while visible. After a failure it waits, exponentially longer
// with full jitter, or as long as the server's Retry-After says.
func (e *Engine) Run(ctx context.Context) error {
	var (
		due       = e.o.Now() // the next pass; zero: none planned
		failures  = 0
		online    = true
		visible   = true
		lastSync  time.Time
		plannedBy = "start"
	)
	for {
		if !due.IsZero() && !due.After(e.o.Now()) && online {
			err := e.Sync(ctx)
			switch {
			case err == nil:
				failures, lastSync = 0, e.o.Now()
				due = time.Time{}
				if visible {
					due = lastSync.Add(e.o.Interval)
				}
			case ctx.Err() != nil:
				return ctx.Err()
			case errors.Is(err, ErrSignedOut):
				return ErrSignedOut
			default:
				failures++
				wait := e.backoff(failures, err)
				due = e.o.Now().Add(wait)
				st := e.Status()
				st.Retry = due
				e.setStatus(st)
				e.o.Logf("sync: %s failed, trying again in %v: %v", plannedBy, wait.Round(time.Millisecond), err)
			}
		}
		var timer <-chan time.Time
		if !due.IsZero() && online {
			timer = e.o.After(max(0, due.Sub(e.o.Now())))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer:
			plannedBy = "sync"
		case <-e.kick:
			plannedBy = "push"
			soon := e.o.Now().Add(e.o.Debounce)
			if failures == 0 && (due.IsZero() || soon.Before(due)) {
				due = soon
			}
			n := e.pending(ctx)
			if st := e.Status(); st.State == Synced || st.State == Unsynced {
				e.setStatus(Status{State: Unsynced, Pending: n})
			} else if st.Pending != n {
				st.Pending = n
				e.setStatus(st)
			}
		case <-e.nudge:
			// The server reached us, so it is reachable.
			plannedBy, failures, due = "pull", 0, e.o.Now()
		case on := <-e.online:
			online = on
			if on {
				plannedBy, failures, due = "sync", 0, e.o.Now()
			} else {
				e.setStatus(Status{State: Offline, Pending: e.pending(ctx)})
			}
		case v := <-e.visible:
			visible = v
			if v && failures == 0 {
				next := lastSync.Add(e.o.Interval)
				if due.IsZero() || next.Before(due) {
					due = next
				}
			}
		}
	}
}

// backoff returns how long to wait after the given number of failures in
// a row: a random time up to MinBackoff·2^(failures-1), capped at
// MaxBackoff, or the server's Retry-After if longer.
func (e *Engine) backoff(failures int, err error) time.Duration {
	ceil := e.o.MaxBackoff
	if failures < 32 {
		ceil = min(e.o.MaxBackoff, e.o.MinBackoff<<(failures-1))
	}
	wait := time.Duration(e.o.Rand() * float64(ceil))
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > wait {
		wait = min(se.RetryAfter, 10*e.o.MaxBackoff)
	}
	return wait
}

// Sync runs one pass: it pushes every pending mutation, then pulls every
// change. It sets the status as it goes, and returns ErrSignedOut when
// the session ended, or the first other error.
func (e *Engine) Sync(ctx context.Context) error {
	e.pass.Lock()
	defer e.pass.Unlock()
	// A quiet check for news from a synced state is not worth a
	// flicker of "Syncing…".
	if n := e.pending(ctx); n > 0 || e.Status().State != Synced {
		e.setStatus(Status{State: Syncing, Pending: n})
	}
	err := e.push(ctx)
	if err == nil {
		err = e.pull(ctx)
	}
	e.finish(ctx, err)
	return err
}

// Push pushes every pending mutation, as Sync does, without pulling.
func (e *Engine) Push(ctx context.Context) error {
	e.pass.Lock()
	defer e.pass.Unlock()
	err := e.push(ctx)
	e.finish(ctx, err)
	return err
}

// Pull pulls every change, as Sync does, without pushing.
func (e *Engine) Pull(ctx context.Context) error {
	e.pass.Lock()
	defer e.pass.Unlock()
	err := e.pull(ctx)
	e.finish(ctx, err)
	return err
}

// finish sets the status after a pass that ended with err.
func (e *Engine) finish(ctx context.Context, err error) {
	n := e.pending(ctx)
	var se *StatusError
	switch {
	case err == nil && n == 0:
		e.setStatus(Status{State: Synced})
	case err == nil:
		e.setStatus(Status{State: Unsynced, Pending: n})
	case errors.Is(err, ErrSignedOut):
		e.setStatus(Status{State: SignedOut, Pending: n, Err: err})
	case ctx.Err() != nil:
	case errors.As(err, &se) || errors.Is(err, errReplica):
		e.setStatus(Status{State: Failed, Pending: n, Err: err})
	default:
		e.setStatus(Status{State: Offline, Pending: n, Err: err})
	}
}

// errReplica marks failures of the device's own database.
var errReplica = errors.New("sync: the device's database failed")

func replicaErr(err error) error { return fmt.Errorf("%w: %w", errReplica, err) }

// The answers the engine treats specially; the numbers are spelled out
// because net/http would make the browser's program much larger.
const (
	statusUnauthorized = 401
	statusForbidden    = 403
	statusConflict     = 409
	statusGone         = 410
	statusTooLarge     = 413
)

// Limits of one pass, so that a confused server cannot keep it going.
const (
	maxPushRounds = 10000
	maxPullPages  = 100000
	maxNewIDs     = 3
	// pushOverhead is room in a push body for what surrounds the
	// mutations.
	pushOverhead = 256
)

// push sends the pending mutations, in batches of at most MaxMutations
// and MaxPushBytes, halving a batch the server finds too large.
func (e *Engine) push(ctx context.Context) error {
	limit, newIDs := MaxMutations, 0
	for range maxPushRounds {
		client, batch, err := e.r.Outbox(ctx, limit, MaxPushBytes-pushOverhead)
		if err != nil {
			return replicaErr(err)
		}
		if len(batch) == 0 {
			return nil
		}
		start := e.o.Now()
		resp, err := e.t.Push(ctx, PushRequest{Protocol: Protocol, ClientID: client, Mutations: batch})
		if err != nil {
			var se *StatusError
			if !errors.As(err, &se) {
				return err
			}
			switch {
			case se.Status == statusUnauthorized:
				return fmt.Errorf("%w: %w", ErrSignedOut, err)
			case se.Status == statusTooLarge && len(batch) > 1:
				limit = len(batch) / 2
				continue
			case se.Status == statusTooLarge:
				e.o.Logf("sync: change %d is too large for the server and is dropped", batch[0].ID)
				if err := e.r.Discard(ctx, batch[0].ID); err != nil {
					return replicaErr(err)
				}
				continue
			case se.Status == statusConflict, se.Status == statusForbidden:
				// The id reused a number (the device lost its state but
				// not its id) or belongs to another account: take a new
				// one and send again.
				if newIDs++; newIDs > maxNewIDs {
					return err
				}
				e.o.Logf("sync: the server refused client id %s (%v); taking a new one", client, err)
				if _, err := e.r.NewClientID(ctx); err != nil {
					return replicaErr(err)
				}
				continue
			}
			return err
		}
		e.r.Clock().Learn(resp.ServerTimeMs, e.o.Now().Sub(start))
		rejected, err := e.r.Pushed(ctx, client, batch, resp)
		if err != nil {
			return replicaErr(err)
		}
		if len(rejected) > 0 && e.o.OnRejected != nil {
			e.o.OnRejected(rejected)
		}
		if resp.LastMutationID < batch[0].ID-1 {
			// The server has fewer of this client's mutations than it
			// confirmed before: it lost some. Send what is pending
			// again, under a new id.
			if newIDs++; newIDs > maxNewIDs {
				return fmt.Errorf("sync: the server confirms only %d of client %s's changes", resp.LastMutationID, client)
			}
			e.o.Logf("sync: the server lost changes of client %s; sending them again under a new id", client)
			if _, err := e.r.NewClientID(ctx); err != nil {
				return replicaErr(err)
			}
		}
	}
	return errors.New("sync: the push did not end")
}

// pull fetches the changes after the cursor, page by page, applying each
// page in one transaction; a 410 answer starts again from 0.
func (e *Engine) pull(ctx context.Context) error {
	var changed []Key
	seen := map[Key]bool{}
	defer func() {
		if len(changed) > 0 && e.o.OnChange != nil {
			e.o.OnChange(changed)
		}
	}()
	resets := 0
	for range maxPullPages {
		client, cursor, err := e.r.Cursor(ctx)
		if err != nil {
			return replicaErr(err)
		}
		start := e.o.Now()
		page, err := e.t.Pull(ctx, client, cursor, PullLimit)
		if err != nil {
			var se *StatusError
			switch {
			case !errors.As(err, &se):
				return err
			case se.Status == statusUnauthorized:
				return fmt.Errorf("%w: %w", ErrSignedOut, err)
			case se.Status == statusForbidden && resets == 0:
				// The client id is another account's: take a new one.
				resets++
				e.o.Logf("sync: the server refused client id %s (%v); taking a new one", client, err)
				if _, err := e.r.NewClientID(ctx); err != nil {
					return replicaErr(err)
				}
				continue
			case se.Status == statusGone && resets == 0:
				resets++
				e.o.Logf("sync: the server no longer has the changes after %d; fetching everything again", cursor)
				if err := e.r.Reset(ctx); err != nil {
					return replicaErr(err)
				}
				continue
			}
			return err
		}
		e.r.Clock().Learn(page.ServerTimeMs, e.o.Now().Sub(start))
		keys, err := e.r.Pulled(ctx, client, page)
		if err != nil {
			return replicaErr(err)
		}
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				changed = append(changed, k)
			}
		}
		if !page.HasMore {
			return nil
		}
		if page.Cursor <= cursor {
			return fmt.Errorf("sync: the server's page after %d did not move the cursor", cursor)
		}
	}
	return errors.New("sync: the pull did not end")
}
