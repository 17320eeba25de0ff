package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	gosync "sync"

	"margin/app/annotation"
	"margin/app/article"
	"margin/app/browser"
	"margin/app/client"
	"margin/app/local"
)

// Device is this browser's side of the reader's account: who is signed
// in, the copy of their objects the pages read and write (a replica: the
// guest's, or the account's), and the sync that keeps that copy in step
// with the server. It is the pages' Notes: every call goes to the current
// replica. It is safe for concurrent use.
//
// Only one tab of the browser syncs: the one holding the Web Lock
// syncLock. The tabs tell each other about edits, pulled changes, the
// sync status and account changes over BroadcastChannels.
type Device struct {
	api  *client.Client
	open func(user string) *local.Store // "" opens the guest's replica
	logf func(format string, args ...any)

	startOnce gosync.Once
	// known reads who was signed in last, on first use rather than at
	// start-up: the first read of localStorage waits on the browser's
	// storage, and the page can mount without it.
	known gosync.Once

	// mu guards the fields below.
	mu     gosync.Mutex
	user   *client.User // nil for a guest
	rep    *local.Store
	run    *syncRun // while this tab syncs, or waits for the lock to
	status SyncStatus
	// lost holds the highlights the server refused because they were
	// deleted on another device, until the reader restores or drops them.
	lost []local.Rejection
	// subs and lostSubs are told of changes of status and lost, by
	// subscription number.
	subs     map[int]func(SyncStatus)
	lostSubs map[int]func([]local.Rejection)
	nextID   int

	notes *browser.Channel // edits and pulled changes, shared with the pages
	tabs  *browser.Channel // the status, edits to push and account changes, between tabs
}

// userKey is the localStorage key under which the signed-in user is
// remembered, so a page knows whose replica to open without asking the
// server first.
const userKey = "margin.user"

// NewDevice returns the device for the browser: api reaches the server,
// and open opens a user's replica ("" for the guest's). On first use it
// reads who was signed in last from localStorage, without asking the
// server: that happens once the page is painted (Start).
func NewDevice(api *client.Client, open func(user string) *local.Store, logf func(format string, args ...any)) *Device {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Device{
		api: api, open: open, logf: logf,
		subs:     map[int]func(SyncStatus){},
		lostSubs: map[int]func([]local.Rejection){},
	}
}

// lock locks d.mu once the last user is known.
func (d *Device) lock() {
	d.known.Do(func() {
		u, ok := cachedUser()
		d.mu.Lock()
		defer d.mu.Unlock()
		if ok {
			d.user = &u
			d.rep = d.open(u.ID)
		} else {
			d.rep = d.open("")
			d.status = SyncStatus{State: StateSignedOut}
		}
	})
	d.mu.Lock()
}

// cachedUser returns the user remembered in localStorage.
func cachedUser() (client.User, bool) {
	var u client.User
	raw := browser.Pref(userKey)
	if raw == "" || json.Unmarshal([]byte(raw), &u) != nil || u.ID == "" {
		return client.User{}, false
	}
	return u, true
}

// remember keeps u in localStorage, or forgets the user when u is nil.
func remember(u *client.User) {
	if u == nil {
		browser.SetPref(userKey, "")
		return
	}
	b, _ := json.Marshal(u)
	browser.SetPref(userKey, string(b))
}

// User returns the signed-in user, if any.
func (d *Device) User() (client.User, bool) {
	d.lock()
	defer d.mu.Unlock()
	if d.user == nil {
		return client.User{}, false
	}
	return *d.user, true
}

// Status returns the current sync status.
func (d *Device) Status() SyncStatus {
	d.lock()
	defer d.mu.Unlock()
	return d.status
}

// Subscribe calls f with the sync status now and on every change, until
// the returned func is called. f must not block.
func (d *Device) Subscribe(f func(SyncStatus)) (stop func()) {
	d.lock()
	id := d.nextID
	d.nextID++
	d.subs[id] = f
	s := d.status
	d.mu.Unlock()
	f(s)
	return func() {
		d.lock()
		delete(d.subs, id)
		d.mu.Unlock()
	}
}

// setStatus records s and tells the subscribers, and, from the tab that
// syncs, the other tabs.
func (d *Device) setStatus(s SyncStatus, share bool) {
	d.lock()
	if d.status == s {
		d.mu.Unlock()
		return
	}
	d.status = s
	subs := make([]func(SyncStatus), 0, len(d.subs))
	for _, f := range d.subs {
		subs = append(subs, f)
	}
	tabs := d.tabs
	d.mu.Unlock()
	for _, f := range subs {
		f(s)
	}
	if share {
		postTabs(tabs, tabMessage{Type: "status", Status: &s})
	}
}

// replica returns the current replica.
func (d *Device) replica() *local.Store {
	d.lock()
	defer d.mu.Unlock()
	return d.rep
}

// Annotations implements Notes.
func (d *Device) Annotations(ctx context.Context, articleID string) ([]annotation.Annotation, error) {
	return d.replica().Annotations(ctx, articleID)
}

// AllAnnotations implements Notes.
func (d *Device) AllAnnotations(ctx context.Context) ([]annotation.Annotation, error) {
	return d.replica().AllAnnotations(ctx)
}

// PutAnnotation implements Notes; the edit is pushed soon.
func (d *Device) PutAnnotation(ctx context.Context, a annotation.Annotation) error {
	err := d.replica().PutAnnotation(ctx, a)
	d.kick()
	return err
}

// DeleteAnnotation implements Notes; the deletion is pushed soon.
func (d *Device) DeleteAnnotation(ctx context.Context, id string) error {
	err := d.replica().DeleteAnnotation(ctx, id)
	d.kick()
	return err
}

// PutArticle implements Notes.
func (d *Device) PutArticle(ctx context.Context, a *article.Article) error {
	err := d.replica().PutArticle(ctx, a)
	d.kick()
	return err
}

// Article implements Notes.
func (d *Device) Article(ctx context.Context, id string) (*article.Article, error) {
	return d.replica().Article(ctx, id)
}

// Titles implements Notes.
func (d *Device) Titles(ctx context.Context) (map[string]string, error) {
	return d.replica().Titles(ctx)
}

// PutDraft implements Notes. A draft stays on this device: nothing to push.
func (d *Device) PutDraft(ctx context.Context, articleID, id, text string) error {
	return d.replica().PutDraft(ctx, articleID, id, text)
}

// Drafts implements Notes.
func (d *Device) Drafts(ctx context.Context, articleID string) (map[string]string, error) {
	return d.replica().Drafts(ctx, articleID)
}

// PutSetting records a reading setting through the replica, so it syncs.
func (d *Device) PutSetting(ctx context.Context, name, value string) error {
	err := d.replica().PutSetting(ctx, name, value)
	d.kick()
	return err
}

// PutPosition records a reading position through the replica, so it syncs.
func (d *Device) PutPosition(ctx context.Context, articleID string, at browser.Position) error {
	err := d.replica().PutPosition(ctx, articleID, local.Position{Block: at.Block, Fraction: at.Frac})
	d.kick()
	return err
}

// ErrOfflineAccount reports that an account change needs the server and
// the server could not be reached.
var ErrOfflineAccount = errors.New("ui: the server is needed for this and could not be reached")

// SignIn signs in to an existing account and makes it this device's: the
// guest's highlights move into it and sync.
func (d *Device) SignIn(ctx context.Context, name, password string) error {
	u, err := d.api.SignIn(ctx, name, password)
	if err != nil {
		return err
	}
	return d.adopt(ctx, u, true)
}

// SignUp creates an account and makes it this device's, as SignIn.
func (d *Device) SignUp(ctx context.Context, name, password string) error {
	u, err := d.api.SignUp(ctx, name, password)
	if err != nil {
		return err
	}
	return d.adopt(ctx, u, true)
}

// adopt makes u the device's user: its replica becomes the pages' notes
// (with the guest's objects moved in when moveGuest), and it syncs.
func (d *Device) adopt(ctx context.Context, u client.User, moveGuest bool) error {
	d.stopSync()
	rep := d.open(u.ID)
	if moveGuest {
		d.lock()
		guest := d.rep
		wasGuest := d.user == nil
		d.mu.Unlock()
		if wasGuest {
			if _, err := guest.MoveInto(ctx, rep); err != nil {
				// The account works; the guest's highlights stay in the
				// guest's copy and move at the next sign-in.
				d.logf("ui: moving this device's highlights into %s's account: %v", u.Name, err)
			}
		}
	}
	d.lock()
	d.user, d.rep = &u, rep
	d.mu.Unlock()
	remember(&u)
	// Whatever the last session left (signed out, or ended elsewhere),
	// the sync starts afresh and reports for itself.
	d.setStatus(SyncStatus{State: StateSyncing}, true)
	d.changed()
	d.startSync()
	return nil
}

// SignOut ends the session. With erase it also deletes everything Margin
// keeps in this browser: the replicas, the cached app, the preferences.
// It needs the server; a session that already ended is no obstacle.
func (d *Device) SignOut(ctx context.Context, erase bool) error {
	if err := d.api.SignOut(ctx, erase); err != nil && !errors.Is(err, client.ErrSignedOut) {
		if errors.Is(err, client.ErrUnreachable) {
			return fmt.Errorf("%w: %w", ErrOfflineAccount, err)
		}
		return err
	}
	// Erasing erases the guest's replica too: a fresh one opens after it.
	d.becomeGuest(false, func(account *local.Store) {
		if !erase {
			return
		}
		// The server's answer asked the browser to clear the site's
		// storage too (Clear-Site-Data), which may be at it already and
		// close the databases under us: a warning, not an error.
		if err := d.eraseAll(ctx, account); err != nil {
			browser.Warn(fmt.Sprintf("erasing this device's data: %v", err))
		}
	})
	return nil
}

// eraseAll deletes what Margin keeps in this browser.
func (d *Device) eraseAll(ctx context.Context, account *local.Store) error {
	errs := []error{account.Erase(ctx), d.open("").Erase(ctx), browser.ClearCaches(ctx)}
	browser.ClearPrefs("margin.")
	browser.SetCookie(PrefsCookie, "", 0)
	return errors.Join(errs...)
}

// ChangePassword replaces the password; the other sessions end.
func (d *Device) ChangePassword(ctx context.Context, password, newPassword string) error {
	return d.api.ChangePassword(ctx, password, newPassword)
}

// Tokens lists the account's API tokens, newest first.
func (d *Device) Tokens(ctx context.Context) ([]client.Token, error) { return d.api.Tokens(ctx) }

// CreateToken makes an API token that may import, for the bookmarklet,
// and returns it with its secret.
func (d *Device) CreateToken(ctx context.Context, name string) (client.Token, string, error) {
	return d.api.CreateToken(ctx, name, client.ScopeImport)
}

// RevokeToken revokes one of the account's API tokens.
func (d *Device) RevokeToken(ctx context.Context, id string) error { return d.api.DeleteToken(ctx, id) }

// DeleteAccount deletes the account and its data on the server, then the
// account's copy on this device; the device goes back to being a guest's.
func (d *Device) DeleteAccount(ctx context.Context, password string) error {
	if err := d.api.DeleteAccount(ctx, password); err != nil {
		return err
	}
	d.becomeGuest(true, func(account *local.Store) {
		if err := account.Erase(ctx); err != nil {
			d.logf("ui: erasing the deleted account's copy: %v", err)
		}
	})
	return nil
}

// becomeGuest makes this device the guest's again, once the account is
// signed out or deleted: the sync stops, the user is forgotten, the
// guest's replica becomes the pages' notes, and the pages and the other
// tabs hear of it. In between, dispose deals with the account's replica:
// with guestFirst the guest's replica is the pages' already while it
// runs; without, the guest's replica opens once dispose is done.
func (d *Device) becomeGuest(guestFirst bool, dispose func(account *local.Store)) {
	d.stopSync()
	d.lock()
	account := d.rep
	d.user, d.lost = nil, nil
	if guestFirst {
		d.rep = d.open("")
	}
	d.mu.Unlock()
	remember(nil)
	dispose(account)
	if !guestFirst {
		d.lock()
		d.rep = d.open("")
		d.mu.Unlock()
	}
	d.setStatus(SyncStatus{State: StateSignedOut}, false)
	d.changed()
}

// changed tells this tab's pages that every annotation may have changed
// (another replica is in use), and the other tabs that the account
// changed.
func (d *Device) changed() {
	d.lock()
	notes, tabs := d.notes, d.tabs
	d.mu.Unlock()
	announce(notes, "", "")
	postTabs(tabs, tabMessage{Type: "account"})
	ctx, cancel := context.WithTimeout(context.Background(), loadTimeout)
	defer cancel()
	d.loadLost(ctx)
}
