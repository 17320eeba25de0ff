package ui

import (
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SyncState is where this device is with keeping the reader's objects in
// step with the server.
type SyncState int

// The states the top bar shows.
const (
	// StateUnknown: not known yet (the prerendered page, the first paint).
	StateUnknown SyncState = iota
	// StateSignedOut: a guest; everything stays on this device.
	StateSignedOut
	// StateSynced: every change made here is on the server.
	StateSynced
	// StateSyncing: an exchange with the server is under way.
	StateSyncing
	// StateOffline: the server cannot be reached; changes wait here.
	StateOffline
	// StatePending: changes wait here though the network is up (the
	// server is busy or refused for now); they are sent again.
	StatePending
	// StateSignInAgain: the session ended (signed out on another device,
	// password changed): changes wait until the reader signs in again.
	StateSignInAgain
)

// name is the state as the pages' data-state attribute spells it.
func (s SyncState) name() string {
	switch s {
	case StateSignedOut:
		return "signed-out"
	case StateSynced:
		return "synced"
	case StateSyncing:
		return "syncing"
	case StateOffline:
		return "offline"
	case StatePending:
		return "pending"
	case StateSignInAgain:
		return "signin"
	}
	return "unknown"
}

// SyncStatus is what the top bar says about sync.
type SyncStatus struct {
	State   SyncState `json:"state"`
	Pending int       `json:"pending"` // changes made here not yet on the server
}

// short is the status in a word or two, for the top bar.
func (s SyncStatus) short() string {
	switch s.State {
	case StateSignedOut:
		return "Sign in"
	case StateSynced:
		return "Synced"
	case StateSyncing:
		return "Syncing"
	case StateOffline:
		if s.Pending > 0 {
			return "Offline · " + strconv.Itoa(s.Pending) + " not synced"
		}
		return "Offline"
	case StatePending:
		if s.Pending == 0 {
			return "Not synced"
		}
		return strconv.Itoa(s.Pending) + " not synced"
	case StateSignInAgain:
		return "Sign in again"
	}
	return ""
}

// Label is the status as a sentence, for screen readers and the account
// page.
func (s SyncStatus) Label() string {
	changes := func() string {
		if s.Pending == 1 {
			return "1 change not yet synced"
		}
		return strconv.Itoa(s.Pending) + " changes not yet synced"
	}
	switch s.State {
	case StateSignedOut:
		return "Signed out: your highlights stay on this device. Sign in to sync them."
	case StateSynced:
		return "Synced: every change is saved to your account."
	case StateSyncing:
		return "Syncing with your account…"
	case StateOffline:
		if s.Pending > 0 {
			return "Offline: " + changes() + ". They sync when you are back online."
		}
		return "Offline: changes sync when you are back online."
	case StatePending:
		if s.Pending == 0 {
			return "Sync failed for now. Margin keeps trying."
		}
		return changes() + ". Margin keeps trying."
	case StateSignInAgain:
		return "Your session ended. Sign in again to sync " + plural(s.Pending, "change", "changes") + "."
	}
	return ""
}

// settled is the status a screen reader hears: a sync that comes and
// goes every few seconds is not worth announcing, where it ends is.
func (s SyncStatus) settled() bool { return s.State != StateSyncing && s.State != StateUnknown }

// plural writes n things, "1 change" or "3 changes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// syncIcon is the little picture of a state.
func syncIcon(s SyncState) string {
	switch s {
	case StateSignedOut, StateSignInAgain:
		return iconPerson
	case StateSynced:
		return iconSynced
	case StateSyncing:
		return iconSyncing
	case StateOffline:
		return iconOffline
	case StatePending:
		return iconPending
	}
	return ""
}

// renderStatus is the sync status in the top bar: a link to the account
// page showing the state as an icon and a word or two. A live region says
// the settled state as a sentence.
func renderStatus(s SyncStatus, announced string) app.UI {
	label := s.Label()
	if label == "" {
		label = "Account"
	}
	return app.A().
		Class("sync-status").
		ID("sync-status").
		Href(accountPath).
		Attr("data-state", s.State.name()).
		Title(label).
		Body(
			app.If(s.State != StateUnknown, func() app.UI { return app.Raw(syncIcon(s.State)) }),
			app.Span().Class("sync-word").Attr("aria-hidden", true).Text(s.short()),
			app.If(s.Pending > 0 && (s.State == StateOffline || s.State == StatePending || s.State == StateSignInAgain), func() app.UI {
				return app.Span().Class("sync-count").Attr("aria-hidden", true).Text(s.Pending)
			}),
			app.Span().Class("visually-hidden").ID("sync-live").Attr("aria-live", "polite").Text(announced),
		)
}
