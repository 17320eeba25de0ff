package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	gosync "sync"
	"time"

	"margin/app/browser"
	"margin/app/client"
	"margin/app/local"
	msync "margin/app/sync"
)

// syncLock is the Web Lock the tab that syncs holds.
const syncLock = "margin-sync"

// tabsChannel is the BroadcastChannel over which tabs share the sync
// status, edits to push and account changes.
const tabsChannel = "margin-tabs"

// eventsPath is the server's stream of change notices.
const eventsPath = "/api/sync/events"

// streamRetry is how long the tab waits before opening the event stream
// again when the browser gave up on it.
const streamRetry = 30 * time.Second

// pushDelay is how long after a local edit it is pushed: short, so a
// highlight shows on the reader's other devices within a second or two,
// yet a burst of edits (a merge, typing a note) still goes in one push.
const pushDelay = 250 * time.Millisecond

// tabMessage is a message on tabsChannel.
type tabMessage struct {
	// Type is "status" (the syncing tab's status), "status?" (asking
	// for it), "edit" (an edit to push), "account" (signed in or out),
	// "settings" (pulled settings applied) or "lost" (highlights kept for
	// "restore as new" changed).
	Type   string      `json:"type"`
	Status *SyncStatus `json:"status,omitempty"`
}

func postTabs(c *browser.Channel, m tabMessage) {
	if b, err := json.Marshal(m); err == nil {
		c.Post(string(b))
	}
}

// syncRun is this tab's part in syncing: waiting for the lock, then
// running the engine with the server's event stream and the browser's
// network and visibility events.
type syncRun struct {
	cancel  context.CancelFunc
	release func() // gives the lock back

	// mu guards the fields below.
	mu     gosync.Mutex
	engine *msync.Engine // nil until the lock is held
	stops  []func()
	stream *browser.Stream
}

func (r *syncRun) current() *msync.Engine {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.engine
}

// Start begins the device's work that waits until the page is painted:
// listening to the other tabs, confirming the session with the server,
// and syncing. The pages call it once they are painted; only the first
// call does anything.
func (d *Device) Start() {
	d.startOnce.Do(func() {
		d.lock()
		d.notes = browser.Listen(notesChannel, func(string) {})
		d.tabs = browser.Listen(tabsChannel, d.onTab)
		tabs := d.tabs
		d.mu.Unlock()
		postTabs(tabs, tabMessage{Type: "status?"})
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
			defer cancel()
			d.loadLost(ctx)
		}()
		go d.confirmSession()
		d.startSync()
	})
}

// confirmSession asks the server whether the session this device
// remembers still holds, and follows the answer: a session that ended
// leaves the replica as it is, waiting for the reader to sign in again;
// another account's session (signed in with another tab meanwhile) is
// adopted. A guest has nothing to confirm: asking would only earn a 401
// on every page.
func (d *Device) confirmSession() {
	cur, signedIn := d.User()
	if !signedIn {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	u, err := d.api.Session(ctx)
	switch {
	case err == nil && cur.ID != u.ID:
		if err := d.adopt(ctx, u, false); err != nil {
			d.logf("ui: adopting %s's session: %v", u.Name, err)
		}
	case err == nil && cur.Name != u.Name:
		d.lock()
		d.user = &u
		d.mu.Unlock()
		remember(&u)
	case errors.Is(err, client.ErrSignedOut):
		d.sessionEnded()
	}
}

// sessionEnded stops syncing after the server said the session is over;
// the replica stays, with its pending changes, until the reader signs in
// again.
func (d *Device) sessionEnded() {
	d.stopSync()
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	n, _ := d.replica().Pending(ctx)
	d.setStatus(SyncStatus{State: StateSignInAgain, Pending: n}, true)
}

// startSync starts this tab's part in syncing the signed-in user's
// replica: it waits for the sync lock, and once it holds it runs the
// engine until the reader signs out or the page goes away.
func (d *Device) startSync() {
	d.lock()
	if d.run != nil || d.user == nil || d.tabs == nil || d.status.State == StateSignInAgain {
		d.mu.Unlock()
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &syncRun{cancel: cancel}
	d.run = run
	rep := d.rep
	d.mu.Unlock()

	run.release = browser.HoldLock(syncLock, func() {
		if ctx.Err() != nil {
			return
		}
		e := msync.NewEngine(rep, d.api.SyncTransport(), msync.Options{
			// Warnings, not errors: a failed attempt is tried again.
			Logf:     func(format string, args ...any) { browser.Warn(fmt.Sprintf(format, args...)) },
			Debounce: pushDelay,
			OnStatus: func(s msync.Status) {
				if ctx.Err() == nil {
					d.setStatus(statusOf(s), true)
				}
			},
			OnChange:   func(keys []msync.Key) { d.pulled(ctx, rep, keys) },
			OnRejected: func([]msync.Key) { d.lostChanged(ctx) },
		})
		rep.OnEdit(e.Kick)
		e.Online(browser.Online())
		e.Visible(browser.Visible())
		run.mu.Lock()
		run.engine = e
		run.stops = append(run.stops,
			browser.OnOnline(e.Online),
			browser.OnVisibility(e.Visible),
			func() { rep.OnEdit(nil) },
		)
		run.mu.Unlock()
		d.openStream(ctx, run, e)
		go func() {
			if err := e.Run(ctx); errors.Is(err, msync.ErrSignedOut) {
				d.sessionEnded()
			}
		}()
	})
}

// statusOf is the engine's status as the top bar shows it.
func statusOf(s msync.Status) SyncStatus {
	switch s.State {
	case msync.Synced:
		return SyncStatus{State: StateSynced}
	case msync.Syncing:
		return SyncStatus{State: StateSyncing, Pending: s.Pending}
	case msync.Offline:
		return SyncStatus{State: StateOffline, Pending: s.Pending}
	case msync.SignedOut:
		return SyncStatus{State: StateSignInAgain, Pending: s.Pending}
	case msync.Unsynced:
		if s.Pending == 0 {
			return SyncStatus{State: StateSynced}
		}
	}
	return SyncStatus{State: StatePending, Pending: s.Pending}
}

// openStream listens to the server's change notices, pulling on each
// (the first, "hello", comes with every connection, so a reconnection
// catches up). When the browser gives up on the stream (the server
// answered with an error) it is opened again after a while.
func (d *Device) openStream(ctx context.Context, run *syncRun, e *msync.Engine) {
	run.mu.Lock()
	defer run.mu.Unlock()
	if ctx.Err() != nil {
		return
	}
	run.stream.Close()
	run.stream = browser.OpenStream(eventsPath, []string{"hello", "change"},
		func(browser.StreamEvent) { e.Nudge() },
		func(closed bool) {
			if closed {
				time.AfterFunc(streamRetry, func() { d.openStream(ctx, run, e) })
			}
		})
}

// stopSync stops this tab's part in syncing and gives the lock back.
func (d *Device) stopSync() {
	d.lock()
	run := d.run
	d.run = nil
	d.mu.Unlock()
	if run == nil {
		return
	}
	run.cancel()
	run.mu.Lock()
	for _, stop := range run.stops {
		stop()
	}
	run.stops = nil
	run.stream.Close()
	run.stream = nil
	run.engine = nil
	run.mu.Unlock()
	if run.release != nil {
		run.release()
	}
}

// kick tells the sync that a local edit is stored: the engine hears of
// it from the replica when this tab syncs; otherwise the tab that syncs
// is told.
func (d *Device) kick() {
	if d.syncing() != nil {
		return
	}
	d.lock()
	tabs := d.tabs
	d.mu.Unlock()
	postTabs(tabs, tabMessage{Type: "edit"})
}

// pulled takes what a pull changed: the pages read their annotations
// again (in every tab), settings apply at once and reading positions are
// kept for the next visit.
func (d *Device) pulled(ctx context.Context, rep *local.Store, keys []msync.Key) {
	d.lock()
	notes, tabs := d.notes, d.tabs
	d.mu.Unlock()
	annotations, settings := false, false
	for _, k := range keys {
		switch k.Kind {
		case msync.KindAnnotation:
			annotations = true
		case msync.KindSetting:
			settings = true
		case msync.KindPosition:
			if p, ok, err := rep.Position(ctx, k.ID); err == nil && ok {
				browser.StorePosition(k.ID, browser.Position{Block: p.Block, Frac: p.Fraction})
			}
		}
	}
	if annotations {
		announce(notes, "", "")
	}
	if settings {
		all, err := rep.Settings(ctx)
		if err != nil {
			d.logf("ui: %v", err)
			return
		}
		changed := false
		for name, v := range all {
			if applySetting(name, v) {
				changed = true
			}
		}
		if changed {
			postTabs(tabs, tabMessage{Type: "settings"})
		}
	}
}

// onTab handles a message from another tab.
func (d *Device) onTab(msg string) {
	var m tabMessage
	if json.Unmarshal([]byte(msg), &m) != nil {
		return
	}
	switch m.Type {
	case "status":
		if m.Status != nil && d.syncing() == nil {
			d.setStatus(*m.Status, false)
		}
	case "status?":
		if d.syncing() != nil {
			d.lock()
			s, tabs := d.status, d.tabs
			d.mu.Unlock()
			postTabs(tabs, tabMessage{Type: "status", Status: &s})
		}
	case "edit":
		if e := d.syncing(); e != nil {
			e.Kick()
		}
	case "account":
		// Another tab signed in or out: start again as it left things.
		browser.Reload()
	case "settings":
		currentPrefs().apply()
	case "lost":
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
			defer cancel()
			d.loadLost(ctx)
		}()
	}
}

// syncing returns the engine when this tab holds the lock and syncs.
func (d *Device) syncing() *msync.Engine {
	d.lock()
	run := d.run
	d.mu.Unlock()
	if run == nil {
		return nil
	}
	return run.current()
}
