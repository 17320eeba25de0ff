package ui

import (
	"context"
	"slices"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/local"
	msync "margin/app/sync"
)

// loadLost reads the highlights kept for "restore as new": edits the
// server refused because the highlight was deleted on another device.
func (d *Device) loadLost(ctx context.Context) {
	rej, err := d.replica().Rejected(ctx)
	if err != nil {
		d.logf("ui: %v", err)
		return
	}
	d.lock()
	d.lost = rej
	subs := make([]func([]local.Rejection), 0, len(d.lostSubs))
	for _, f := range d.lostSubs {
		subs = append(subs, f)
	}
	d.mu.Unlock()
	for _, f := range subs {
		f(slices.Clone(rej))
	}
}

// lostChanged reads the kept highlights again, here and in the other tabs.
func (d *Device) lostChanged(ctx context.Context) {
	d.loadLost(ctx)
	d.lock()
	tabs := d.tabs
	d.mu.Unlock()
	postTabs(tabs, tabMessage{Type: "lost"})
}

// SubscribeLost calls f with the highlights kept for "restore as new" now
// and on every change, until the returned func is called. f must not
// block.
func (d *Device) SubscribeLost(f func([]local.Rejection)) (stop func()) {
	d.lock()
	id := d.nextID
	d.nextID++
	d.lostSubs[id] = f
	lost := slices.Clone(d.lost)
	d.mu.Unlock()
	f(lost)
	return func() {
		d.lock()
		delete(d.lostSubs, id)
		d.mu.Unlock()
	}
}

// Restore brings back a highlight the server refused as a new one, with a
// new id, which syncs to every device; with dismiss it lets it go.
func (d *Device) Restore(ctx context.Context, id string, dismiss bool) error {
	rep := d.replica()
	if dismiss {
		if err := rep.DismissRejected(ctx, id); err != nil {
			return err
		}
		d.lostChanged(ctx)
		return nil
	}
	a, err := rep.RestoreAsNew(ctx, id)
	if err != nil {
		return err
	}
	d.kick()
	d.lostChanged(ctx)
	d.lock()
	notes := d.notes
	d.mu.Unlock()
	announce(notes, a.Article, a.ID)
	return nil
}

// renderLost is the card that offers to restore a highlight the server
// refused: deleted on another device while it was edited here.
func renderLost(lost []local.Rejection, restore func(id string, dismiss bool) app.EventHandler) app.UI {
	if len(lost) == 0 {
		return nil
	}
	r := lost[0]
	title := "A highlight you changed here was deleted on another device."
	if r.Reason != msync.ReasonDeleted {
		title = "A highlight could not be saved to your account."
	}
	id := r.Annotation.ID
	return app.Div().Class("toasts lost-toasts").Attr("role", "status").Attr("aria-live", "polite").Body(
		app.Div().Class("toast lost").ID("lost").Attr("data-id", id).Body(
			app.Div().Class("lost-text").Body(
				app.P().Class("lost-title").Text(title),
				app.P().Class("lost-quote").Text("“"+clip(r.Annotation.Target.Exact, 140)+"”"),
			),
			app.Div().Class("lost-actions").Body(
				app.Button().Class("link-button").ID("lost-restore").Text("Restore as new").
					OnClick(restore(id, false), app.EventScope(id)),
				app.Button().Class("link-button quiet").ID("lost-dismiss").Text("Let it go").
					OnClick(restore(id, true), app.EventScope(id)),
			),
		),
	)
}
