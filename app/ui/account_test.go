//go:build !(js && wasm)

package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"margin/app/client"
)

func TestAccountPrerender(t *testing.T) {
	// The server knows nothing of the reader: the page says it is
	// loading, and the top bar's status is there but shows nothing yet.
	got := render(t, &Account{})
	for _, w := range []string{
		`<h1 class="library-title">Account</h1>`,
		"Loading your account…",
		`id="sync-status"`,
		`data-state="unknown"`,
		`href="/account"`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("account page lacks %q in:\n%s", w, got)
		}
	}
	for _, bad := range []string{"<form", "Sign out"} {
		if strings.Contains(got, bad) {
			t.Errorf("the prerendered account page shows %q", bad)
		}
	}
}

func TestAccountErrors(t *testing.T) {
	apiErr := func(status int, code, msg string, wait time.Duration) error {
		return fmt.Errorf("post /api/session: %w", &client.Error{Status: status, Code: code, Message: msg, RetryAfter: wait})
	}
	for _, tc := range []struct {
		name, form string
		err        error
		want       string
	}{
		{"wrong password", "credentials", apiErr(401, "bad_credentials", "x", 0), "That name and password do not match. Check them and try again."},
		{"wrong current password", "password", apiErr(401, "bad_credentials", "x", 0), "That password is not right."},
		{"wrong password to delete", "delete", apiErr(403, "wrong_password", "x", 0), "That password is not right."},
		{"rate limited", "credentials", apiErr(429, "rate_limited", "x", 42*time.Second), "Too many attempts. Try again in 42 s."},
		{"rate limited, no hint", "credentials", apiErr(429, "rate_limited", "x", 0), "Too many attempts. Try again in a minute."},
		{"name taken", "credentials", apiErr(409, "name_taken", "x", 0), "That name is taken. Choose another, or sign in if it is yours."},
		{"sign-up closed", "credentials", apiErr(403, "signup_closed", "x", 0), "This server does not take new accounts. Ask the person who runs it to make one for you."},
		{"bad name", "credentials", apiErr(400, "invalid", "A name may hold only letters.", 0), "A name may hold only letters."},
		{"server trouble", "credentials", apiErr(500, "internal", "stack trace", 0), "The server could not do that just now. Try again in a moment."},
		{"offline", "signout", fmt.Errorf("x: %w", client.ErrUnreachable), "Margin's server cannot be reached. Check your connection and try again."},
		{"offline sign-out", "signout", fmt.Errorf("%w: y", ErrOfflineAccount), "Margin's server cannot be reached. Check your connection and try again."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := accountError(tc.form, tc.err); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSyncStatusWords(t *testing.T) {
	for _, tc := range []struct {
		s            SyncStatus
		short, label string
	}{
		{SyncStatus{State: StateSignedOut}, "Sign in", "Signed out: your highlights stay on this device. Sign in to sync them."},
		{SyncStatus{State: StateSynced}, "Synced", "Synced: every change is saved to your account."},
		{SyncStatus{State: StateSyncing, Pending: 2}, "Syncing", "Syncing with your account…"},
		{SyncStatus{State: StateOffline}, "Offline", "Offline: changes sync when you are back online."},
		{SyncStatus{State: StateOffline, Pending: 3}, "Offline · 3 not synced", "Offline: 3 changes not yet synced. They sync when you are back online."},
		{SyncStatus{State: StatePending, Pending: 1}, "1 not synced", "1 change not yet synced. Margin keeps trying."},
		{SyncStatus{State: StatePending}, "Not synced", "Sync failed for now. Margin keeps trying."},
		{SyncStatus{State: StateSignInAgain, Pending: 4}, "Sign in again", "Your session ended. Sign in again to sync 4 changes."},
		{SyncStatus{}, "", ""},
	} {
		if got := tc.s.short(); got != tc.short {
			t.Errorf("%+v: short %q, want %q", tc.s, got, tc.short)
		}
		if got := tc.s.Label(); got != tc.label {
			t.Errorf("%+v: label %q, want %q", tc.s, got, tc.label)
		}
	}
	// A sync that comes and goes is not announced; where it ends is.
	if (SyncStatus{State: StateSyncing}).settled() || !(SyncStatus{State: StateSynced}).settled() {
		t.Error("settled: syncing should not be announced, synced should")
	}
}

func TestTokenDates(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.Local)
	at := func(d time.Duration) *time.Time { u := now.Add(-d); return &u }
	made := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	for _, tc := range []struct {
		used *time.Time
		want string
	}{
		{nil, "Made 2 November 2026 · never used"},
		{at(30 * time.Second), "Made 2 November 2026 · last used just now"},
		{at(-time.Minute), "Made 2 November 2026 · last used just now"}, // a clock ahead of this one
		{at(5 * time.Minute), "Made 2 November 2026 · last used 5 minutes ago"},
		{at(90 * time.Minute), "Made 2 November 2026 · last used an hour ago"},
		{at(5 * time.Hour), "Made 2 November 2026 · last used 5 hours ago"},
		{at(30 * time.Hour), "Made 2 November 2026 · last used on 6 December 2026"},
	} {
		if got := tokenDates(client.Token{Created: made, LastUsed: tc.used}, now); got != tc.want {
			t.Errorf("last used %v: %q, want %q", tc.used, got, tc.want)
		}
	}
}
