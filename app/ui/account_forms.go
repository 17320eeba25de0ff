package ui

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
)

// renderError shows the last problem of the form named for.
func (a *Account) renderError(form string) app.UI {
	if a.err == "" || a.errFor != form {
		return nil
	}
	return app.P().Class("form-error").ID(form+"-error").Attr("role", "alert").Text(a.err)
}

// field is a labelled input.
func field(id, label string, input app.UI) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		input,
	)
}

func busyLabel(busy bool, idle, working string) string {
	if busy {
		return working
	}
	return idle
}

// action is a request of the account page to the server, on behalf of
// one of its forms.
type action struct {
	form    string // the form it is for, under which its error shows
	busy    string // what a.busy says while it runs; form when ""
	problem string // what is wrong with what was typed; then nothing is sent
	focus   string // the field to focus when it fails, if any
	run     func(c context.Context, dev *Device) error
	ok      func() // after it succeeded, on the page
}

// act sends x, unless another request is under way (or there is no
// device, on the server) or x has a problem to show. The answer comes
// back through the page's own context.
func (a *Account) act(x action) {
	if a.busy != "" || a.dev == nil {
		return
	}
	ctx := a.mounted
	a.err, a.errFor, a.done = x.problem, x.form, ""
	if a.err != "" {
		return
	}
	a.busy = x.busy
	if a.busy == "" {
		a.busy = x.form
	}
	dev := a.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		err := x.run(c, dev)
		ctx.Dispatch(func(ctx app.Context) {
			a.busy = ""
			if err != nil {
				a.fail(ctx, x.form, err)
				if x.focus != "" {
					ctx.Defer(func(app.Context) { browser.Focus(x.focus) })
				}
				return
			}
			x.ok()
		})
	})
}

// fail shows err as a sentence under the form named form.
func (a *Account) fail(ctx app.Context, form string, err error) {
	a.errFor = form
	a.err = accountError(form, err)
	if e, ok := client.AsError(err); ok && e.Code == "rate_limited" {
		wait := e.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		a.retryAt = time.Now().Add(wait)
		a.tick(ctx)
	}
	if !errors.Is(err, client.ErrUnreachable) {
		if _, ok := client.AsError(err); !ok {
			app.Logf("ui: account: %v", err)
		}
	}
}

// accountError says what went wrong with an account request, for the
// reader.
func accountError(form string, err error) string {
	if errors.Is(err, client.ErrUnreachable) || errors.Is(err, ErrOfflineAccount) {
		return "Margin's server cannot be reached. Check your connection and try again."
	}
	e, ok := client.AsError(err)
	if !ok {
		return "Something went wrong. Try again in a moment."
	}
	switch e.Code {
	case "wrong_password":
		return "That password is not right."
	case "bad_credentials":
		if form != "credentials" {
			return "That password is not right."
		}
		return "That name and password do not match. Check them and try again."
	case "rate_limited":
		s := int(e.RetryAfter / time.Second)
		if s <= 0 {
			return "Too many attempts. Try again in a minute."
		}
		return "Too many attempts. Try again in " + strconv.Itoa(s) + " s."
	case "name_taken":
		return "That name is taken. Choose another, or sign in if it is yours."
	case "signup_closed":
		return "This server does not take new accounts. Ask the person who runs it to make one for you."
	case "signed_out":
		return "Your session has ended. Sign in again."
	}
	if e.Status == 401 && form != "credentials" {
		return "That password is not right."
	}
	if e.Status >= 400 && e.Status < 500 && e.Message != "" {
		return e.Message // the server's own sentence: a bad name, a short password
	}
	return "The server could not do that just now. Try again in a moment."
}
