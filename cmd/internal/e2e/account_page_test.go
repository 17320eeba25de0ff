package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"margin/app/client"
)

// shots takes a picture of the page in the light theme, the dark theme,
// and on a phone 360 px wide, tall enough for the whole page.
func shots(t *testing.T, b *browser, name string, height int64) {
	t.Helper()
	dark := func(on bool) {
		b.do(t, chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.theme = `+map[bool]string{true: `"dark"`, false: `"light"`}[on]))
	}
	b.do(t, chromedp.EmulateViewport(1280, height))
	dark(false)
	b.screenshot(t, name+"-light")
	dark(true)
	b.screenshot(t, name+"-dark")
	dark(false)
	b.do(t, chromedp.EmulateViewport(360, height, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	b.screenshot(t, name+"-360")
	b.do(t, chromedp.EmulateReset())
}

// fillAccountForm types a name and password into the account page's
// form and submits it.
func fillAccountForm(t *testing.T, b *browser, name, password string) {
	t.Helper()
	b.do(t,
		chromedp.Evaluate[chromedp.Void](`for (const id of ["account-name", "account-password"]) {
			const el = document.getElementById(id);
			el.value = "";
			el.dispatchEvent(new Event("input", {bubbles: true}));
		}`),
		chromedp.SendKeys(chromedp.CSS("#account-name"), name),
		chromedp.SendKeys(chromedp.CSS("#account-password"), password),
		chromedp.Click(chromedp.CSS("#account-submit")),
	)
}

func TestAccountPage(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	newAccount(t, p.URL, "reader")
	b := newBrowser(t)

	// Signed out: the sign-in form, and the top bar's invitation.
	b.do(t, chromedp.Navigate(p.URL+"/account"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("#account-form") && `+syncState+` === "signed-out"`)
	shots(t, b, "account-signed-out", 900)

	// A wrong password says so, and leaves the reader signed out.
	fillAccountForm(t, b, "reader", "not the password")
	b.waitFor(t, `(document.querySelector("#credentials-error") || {}).textContent === "That name and password do not match. Check them and try again."`)
	b.screenshot(t, "account-wrong-password")
	if focused := eval[string](t, b, `document.activeElement.id`); focused != "account-password" {
		t.Errorf("after a wrong password the focus is on %q", focused)
	}

	// A taken name, on the sign-up form.
	b.do(t, chromedp.Click(chromedp.CSS("#tab-signup")))
	fillAccountForm(t, b, "READER", testPassword)
	b.waitFor(t, `(document.querySelector("#credentials-error") || {textContent: ""}).textContent.startsWith("That name is taken.")`)

	// Signed in: the account, its status, and the rest.
	b.do(t, chromedp.Click(chromedp.CSS("#tab-signin")))
	fillAccountForm(t, b, "reader", testPassword)
	b.waitFor(t, `(document.querySelector("#account-user") || {}).textContent === "reader"`)
	waitSynced(t, b)
	b.waitFor(t, `document.querySelector("#account-sync").dataset.state === "synced"`)
	if live := eval[string](t, b, `document.querySelector("#sync-live").textContent`); live != "Synced: every change is saved to your account." {
		t.Errorf("the status's live region says %q", live)
	}
	shots(t, b, "account-signed-in", 1250)

	// The status in the reader's top bar, on a phone, with a change waiting.
	openArticle(t, b, p.URL+"/a/"+id)
	waitSynced(t, b)
	setOffline(t, b, true)
	highlight(t, b, "the military alliance")
	b.waitFor(t, syncState+` === "offline" && (document.querySelector(".sync-count") || {}).textContent === "1"`)
	shots(t, b, "status-offline", 700)
	setOffline(t, b, false)
	waitSynced(t, b)
	// The answers to the wrong password and the taken name, and the
	// requests made offline, are logged by the browser itself.
	noConsoleErrors(t, b, "status of 401", "status of 409", offlineErrors)
}

// TestSignInRateLimited checks the page's answer to a server that asks
// to wait: a sentence with the wait, and a button that counts it down.
func TestSignInRateLimited(t *testing.T) {
	p := start(t, "")
	newAccount(t, p.URL, "target")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if limitSignIns(t, ctx, client.New(p.URL), "target") == nil {
		t.Fatal("the server never limited the attempts")
	}
	b := newBrowser(t)
	b.do(t, chromedp.Navigate(p.URL+"/account"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("#account-form")`)
	fillAccountForm(t, b, "target", testPassword)
	b.waitFor(t, `/^Too many attempts\. Try again in \d+ s\.$/.test((document.querySelector("#credentials-error") || {}).textContent)`)
	b.waitFor(t, `document.querySelector("#account-submit").disabled && /^Try again in \d+ s$/.test(document.querySelector("#account-submit").textContent)`)
	b.screenshot(t, "account-rate-limited")
	noConsoleErrors(t, b, "status of 429")
}

func TestDeleteAccount(t *testing.T) {
	p := start(t, "")
	u := newAccount(t, p.URL, "goner")
	b := newBrowser(t)
	signIn(t, b, p.URL, "goner", false)
	waitSynced(t, b)

	b.do(t, chromedp.Click("#delete-start"))
	b.waitFor(t, `!!document.querySelector("#delete-password")`)
	b.do(t, chromedp.SendKeys(chromedp.CSS("#delete-password"), "not it"), chromedp.Click("#delete-confirm"))
	b.waitFor(t, `(document.querySelector("#delete-error") || {}).textContent === "That password is not right."`)
	b.do(t,
		chromedp.Evaluate[chromedp.Void](`(el => { el.value = ""; el.dispatchEvent(new Event("input", {bubbles: true})); })(document.querySelector("#delete-password"))`),
		chromedp.SendKeys(chromedp.CSS("#delete-password"), testPassword),
		chromedp.Click("#delete-confirm"),
	)
	b.waitFor(t, `!!document.querySelector("#account-form") && document.body.innerText.includes("Your account and everything in it are deleted.")`)
	b.waitFor(t, `indexedDB.databases().then(l => !l.some(d => d.name === `+jsString("margin-u-"+u.ID)+`))`)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := client.New(p.URL).SignIn(ctx, "goner", testPassword); err == nil {
		t.Error("the deleted account still signs in")
	}
	noConsoleErrors(t, b, "status of 403") // the wrong password
}

// TestSessionEndsElsewhere: a new password set on another device ends
// this browser's session; the status asks to sign in again, the changes
// made meanwhile wait, and signing in again sends them.
func TestSessionEndsElsewhere(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	newAccount(t, p.URL, "moved")
	b := newBrowser(t)
	signIn(t, b, p.URL, "moved", false)
	openArticle(t, b, p.URL+"/a/"+id)
	waitSynced(t, b)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	other := client.New(p.URL)
	if _, err := other.SignIn(ctx, "moved", testPassword); err != nil {
		t.Fatal(err)
	}
	const newPassword = "a brand new password"
	if err := other.ChangePassword(ctx, testPassword, newPassword); err != nil {
		t.Fatal(err)
	}

	mark := highlight(t, b, "the military alliance")
	b.waitFor(t, syncState+` === "signin" && (document.querySelector(".sync-count") || {}).textContent === "1"`)
	b.screenshot(t, "sync-status-sign-in-again")
	b.do(t, chromedp.Click("#sync-status"))
	b.waitFor(t, `!!document.querySelector("#account-form") && document.querySelector("#account-name").value === "moved"`)
	b.do(t, chromedp.SendKeys(chromedp.CSS("#account-password"), newPassword), chromedp.Click("#account-submit"))
	b.waitFor(t, `(document.querySelector("#account-user") || {}).textContent === "moved"`)
	waitSynced(t, b)
	c := client.New(p.URL)
	if _, err := c.SignIn(ctx, "moved", newPassword); err != nil {
		t.Fatal(err)
	}
	page, err := c.Pull(ctx, "c_e2e_session_check", 0, 0)
	found := false
	for _, r := range page.Changes {
		found = found || r.ID == mark
	}
	if err != nil || !found {
		t.Errorf("the highlight made while signed out elsewhere is not on the server: %v", err)
	}
	noConsoleErrors(t, b, "status of 401") // the ended session's answers
}
