package ui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"margin/app/browser"
	"margin/app/client"
	"margin/app/library"
	"margin/app/local"
)

// queueKey is the localStorage key of the addresses waiting to be
// imported: shared or added while the device was offline, or while no one
// was signed in. They are this device's, not the account's, so they do
// not sync.
const queueKey = "margin.import-queue"

// maxQueued bounds the queue, which lives in localStorage.
const maxQueued = 50

// ErrNeedsAccount reports that importing from an address needs an
// account: the server fetches the page into the user's library.
var ErrNeedsAccount = errors.New("ui: importing a page needs an account")

// Kept returns the articles this device keeps, the most recently added
// first: the library lists them beside the server's.
func (d *Device) Kept(ctx context.Context) ([]local.Kept, error) {
	return d.replica().Kept(ctx)
}

// Import has the server fetch the page at u into the user's library (see
// client.Import). A guest gets ErrNeedsAccount, and the device's being
// offline an error matching client.ErrUnreachable.
func (d *Device) Import(ctx context.Context, u string, fresh bool) (library.Summary, bool, error) {
	if _, ok := d.User(); !ok {
		return library.Summary{}, false, ErrNeedsAccount
	}
	s, existing, err := d.api.Import(ctx, u, fresh)
	if err != nil {
		return library.Summary{}, false, fmt.Errorf("import %s: %w", u, err)
	}
	return s, existing, nil
}

// Queued returns the addresses waiting to be imported, oldest first.
func (d *Device) Queued() []string {
	var q []string
	if raw := browser.Pref(queueKey); raw != "" {
		if json.Unmarshal([]byte(raw), &q) != nil {
			return nil
		}
	}
	return q
}

// Queue keeps u to import later; an address already waiting is not kept
// twice.
func (d *Device) Queue(u string) {
	q := d.Queued()
	if slices.Contains(q, u) {
		return
	}
	q = append(q, u)
	if len(q) > maxQueued {
		q = q[len(q)-maxQueued:]
	}
	d.saveQueue(q)
}

// Unqueue forgets u.
func (d *Device) Unqueue(u string) {
	d.saveQueue(slices.DeleteFunc(d.Queued(), func(s string) bool { return s == u }))
}

func (d *Device) saveQueue(q []string) {
	if len(q) == 0 {
		browser.SetPref(queueKey, "")
		return
	}
	b, _ := json.Marshal(q)
	browser.SetPref(queueKey, string(b))
}

// ImportQueued imports the waiting addresses, when someone is signed in,
// and returns how many were imported. An address the server refuses for
// good (a 4xx answer other than 429) is dropped with the rest; the
// network failing stops the run with the others still waiting.
func (d *Device) ImportQueued(ctx context.Context) (imported int, err error) {
	if _, ok := d.User(); !ok {
		return 0, nil
	}
	for _, u := range d.Queued() {
		_, _, err := d.Import(ctx, u, false)
		if e, ok := client.AsError(err); ok && e.Status >= 400 && e.Status < 500 && e.Status != 429 && e.Status != 401 {
			d.logf("ui: dropping the queued import of %s: %v", u, err)
			d.Unqueue(u)
			continue
		}
		if err != nil {
			return imported, err
		}
		d.Unqueue(u)
		imported++
	}
	return imported, nil
}

// webAddress returns s as an http(s) address when s is one and nothing
// else (surrounding white space aside).
func webAddress(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, " \t\r\n") || len(s) > 4096 {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return u.String(), true
}

// findAddress returns the first http(s) address in text, as a share
// sheet's text often carries one after a sentence ("Look at this
// https://…"). Punctuation that ends the sentence is not part of it.
func findAddress(text string) (string, bool) {
	for _, f := range strings.Fields(text) {
		i := strings.Index(f, "http://")
		if j := strings.Index(f, "https://"); j >= 0 && (i < 0 || j < i) {
			i = j
		}
		if i < 0 {
			continue
		}
		if u, ok := webAddress(strings.TrimRight(f[i:], ".,;:!?)]}\"'>»”’")); ok {
			return u, true
		}
	}
	return "", false
}

// mergeLibrary returns the library's list: the server's articles (nil
// when it could not be reached) and, before them, the articles kept on
// this device that the server's list lacks, the most recently added
// first. Those are the ones made here and not yet synced, or, offline,
// every copy this device keeps.
func mergeLibrary(server []library.Summary, kept []local.Kept) []library.Summary {
	seen := make(map[string]bool, len(server))
	for _, s := range server {
		seen[s.ID] = true
	}
	out := make([]library.Summary, 0, len(server)+len(kept))
	for _, k := range kept {
		if !seen[k.Summary.ID] {
			seen[k.Summary.ID] = true
			out = append(out, k.Summary)
		}
	}
	return append(out, server...)
}
