package e2e

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"margin/app/client"
	msync "margin/app/sync"
)

// The browser tests of accounts and sync: two Chromium profiles signed in
// as one user, offline edits, a guest signing up, two tabs of one
// profile (S10), and signing out with erasing.

const testPassword = "correct horse battery"

// offlineErrors is what the browser itself logs for each request it
// cannot send while offline: expected in the tests that go offline.
const offlineErrors = "net::ERR_INTERNET_DISCONNECTED"

// newAccount creates an account through the API and returns it.
func newAccount(t *testing.T, base, name string) client.User {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	u, err := client.New(base).SignUp(ctx, name, testPassword)
	if err != nil {
		t.Fatalf("create account %s: %v", name, err)
	}
	return u
}

// signIn signs the browser in through the account page, creating the
// account first when signup is set, and waits for the signed-in view.
func signIn(t *testing.T, b *browser, base, name string, signup bool) {
	t.Helper()
	b.do(t, chromedp.Navigate(base+"/account"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("#account-form")`)
	if signup {
		b.do(t, chromedp.Click(chromedp.CSS("#tab-signup")))
		b.waitFor(t, `document.querySelector("#tab-signup").getAttribute("aria-selected") === "true"`)
	}
	fillAccountForm(t, b, name, testPassword)
	b.waitFor(t, `(document.querySelector("#account-user") || {}).textContent === `+jsString(name))
}

// syncState returns the state the top bar's status shows.
const syncState = `(document.querySelector("#sync-status") || {dataset: {}}).dataset.state`

// waitSynced waits until the top bar says every change is on the server.
func waitSynced(t *testing.T, b *browser) {
	t.Helper()
	b.waitFor(t, syncState+` === "synced"`)
}

// waitWithin polls the JavaScript condition for at most d and fails the
// test when it does not hold by then.
func (b *browser) waitWithin(t *testing.T, cond string, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, d)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("%s did not hold within %v: %v", cond, d, err)
	}
}

// waitAcrossNavigation polls the JavaScript condition until it holds, in
// whichever page the tab shows meanwhile. It evaluates the condition
// afresh each time: a poll that runs inside the page would be lost with
// it.
func (b *browser) waitAcrossNavigation(t *testing.T, cond string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			where, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText.slice(0, 400)`))
			t.Fatalf("waiting for %s: %v; the page is at %s", cond, err, where)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setOffline cuts the tab off the network, or gives it back, as
// DevTools' network throttling does: requests fail, those of the service
// worker too, and navigator.onLine follows, with the offline and online
// events.
func setOffline(t *testing.T, b *browser, offline bool) {
	t.Helper()
	if _, err := chromedp.Call(b.ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	var rules []*network.Conditions
	if offline {
		rules = []*network.Conditions{{Offline: true}}
	}
	// The service worker's requests too: a page it controls sends its
	// requests through it.
	params := network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: rules, EmulateOfflineServiceWorker: &offline}
	if _, err := chromedp.Call(b.ctx, network.EmulateNetworkConditionsByRule, params); err != nil {
		t.Fatal(err)
	}
	state := network.OverrideNetworkStateParams{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}
	if _, err := chromedp.Call(b.ctx, network.OverrideNetworkState, state); err != nil {
		t.Fatal(err)
	}
	b.waitFor(t, `navigator.onLine === `+map[bool]string{true: "false", false: "true"}[offline])
}

// highlight selects a phrase in the article, presses h and returns the
// new highlight's id: the one that holds the phrase (another tab's may
// arrive meanwhile).
func highlight(t *testing.T, b *browser, phrase string) string {
	t.Helper()
	before := marks(t, b)
	selectText(t, b, phrase, "", 0)
	b.do(t, chromedp.KeyEvent("h"))
	b.waitFor(t, `Object.entries(`+marksJS+`).some(([id, text]) => text === `+jsString(phrase)+` && !`+jsString(strings.Join(slices.Collect(maps.Keys(before)), " "))+`.includes(id))`)
	for id, text := range marks(t, b) {
		if _, old := before[id]; !old && text == phrase {
			return id
		}
	}
	t.Fatalf("no new highlight of %q", phrase)
	return ""
}

// hasMark is a condition: the highlight with id is drawn.
func hasMark(id string) string {
	return `!!document.querySelector('article mark[data-a="` + id + `"]')`
}

// serverAnnotations pulls everything of the user's from the server with
// a client of its own and returns the live annotations' ids, sorted.
func serverAnnotations(t *testing.T, base, name string) []string {
	t.Helper()
	ids := serverObjects(t, base, name, msync.KindAnnotation)
	slices.Sort(ids)
	return ids
}

// serverObjects signs in as the user with a client of its own, pulls
// everything of theirs and returns the ids of the live objects of kind.
func serverObjects(t *testing.T, base, name string, kind msync.Kind) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := client.New(base)
	if _, err := c.SignIn(ctx, name, testPassword); err != nil {
		t.Fatal(err)
	}
	var ids []string
	var cursor int64
	for range 100 {
		page, err := c.Pull(ctx, "c_e2e_"+string(kind)+"_"+name, cursor, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Changes {
			if r.Kind == kind && r.Deleted == 0 {
				ids = append(ids, r.ID)
			}
		}
		if !page.HasMore {
			break
		}
		cursor = page.Cursor
	}
	return ids
}

// twoProfiles starts a server with an account named name, and two
// browser profiles signed in to it, each showing the sample article
// (whose id it returns) and synced.
func twoProfiles(t *testing.T, name string) (p *proc, id string, one, two *browser) {
	t.Helper()
	p = start(t, "")
	id = sampleID(t, p.URL)
	newAccount(t, p.URL, name)
	one, two = newBrowser(t), newBrowser(t)
	for _, b := range []*browser{one, two} {
		signIn(t, b, p.URL, name, false)
		openArticle(t, b, p.URL+"/a/"+id)
		waitSynced(t, b)
	}
	return p, id, one, two
}

func TestSyncBetweenProfiles(t *testing.T) {
	p, id, one, two := twoProfiles(t, "reader")

	// A highlight made in one profile shows in the other within 2 s.
	first := highlight(t, one, "the military alliance")
	two.waitWithin(t, hasMark(first), 2*time.Second)
	waitSynced(t, one)
	one.screenshot(t, "sync-status-synced")

	// A setting follows too: the theme chosen in one applies in the other.
	one.do(t, chromedp.Click("#theme-toggle"))
	theme := eval[string](t, one, `document.documentElement.dataset.theme`)
	two.waitFor(t, `document.documentElement.dataset.theme === `+jsString(theme))

	// So does the reading position, once the reader leaves the article.
	one.do(t, chromedp.Evaluate[chromedp.Void](`(() => {
		const el = document.querySelector('[data-b="8"]');
		scrollTo(0, scrollY + el.getBoundingClientRect().top - 72);
	})()`))
	pos := `localStorage.getItem("margin.pos.` + id + `")`
	one.waitFor(t, `!!`+pos)
	at := eval[string](t, one, pos)
	one.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/")`))
	two.waitFor(t, pos+` === `+jsString(at))
	one.do(t, chromedp.Evaluate[chromedp.Void](`goappNav("/a/`+id+`")`))
	one.waitFor(t, hasMark(first))

	// Both edit while offline; back online, both have both edits.
	setOffline(t, one, true)
	setOffline(t, two, true)
	a := highlight(t, one, "wide range of options")
	b := highlight(t, two, "a new arms race")
	for _, br := range []*browser{one, two} {
		br.waitFor(t, syncState+` === "offline" && document.querySelector("#sync-status").textContent.includes("1")`)
	}
	one.screenshot(t, "sync-status-offline")
	setOffline(t, one, false)
	setOffline(t, two, false)
	for _, br := range []*browser{one, two} {
		br.waitFor(t, hasMark(a)+` && `+hasMark(b)+` && `+hasMark(first))
		waitSynced(t, br)
	}
	want := []string{first, a, b}
	slices.Sort(want)
	if got := serverAnnotations(t, p.URL, "reader"); !slices.Equal(got, want) {
		t.Errorf("the server holds %v, want %v", got, want)
	}
	noConsoleErrors(t, one, offlineErrors)
	noConsoleErrors(t, two, offlineErrors)
}

func TestGuestHighlightsMoveIntoNewAccount(t *testing.T) {
	p, id, b := openSample(t)
	guest := highlight(t, b, "the military alliance")
	// Stored before the page goes away for the account page.
	b.waitFor(t, storedJS+`("annotations", `+jsString(guest)+`).then(a => !!a)`)
	// The guest's status invites to sign in.
	b.waitFor(t, syncState+` === "signed-out"`)

	signIn(t, b, p.URL, "newcomer", true)
	openArticle(t, b, p.URL+"/a/"+id)
	b.waitFor(t, hasMark(guest))
	waitSynced(t, b)
	if got := serverAnnotations(t, p.URL, "newcomer"); !slices.Equal(got, []string{guest}) {
		t.Errorf("the server holds %v, want the guest's highlight %s", got, guest)
	}
	// The guest's own database is empty now: the highlight lives in the
	// account's.
	left := eval[int](t, b, `new Promise((ok, fail) => {
		const r = indexedDB.open("margin");
		r.onsuccess = () => {
			const c = r.result.transaction("annotations").objectStore("annotations").count();
			c.onsuccess = () => { r.result.close(); ok(c.result); };
			c.onerror = () => fail(c.error);
		};
		r.onerror = () => fail(r.error);
	})`)
	if left != 0 {
		t.Errorf("the guest's database still holds %d annotations", left)
	}
	noConsoleErrors(t, b)
}

// pendingJS is a promise for the mutations waiting in a database's
// outbox, as [id, kind, object] triples.
const pendingJS = `((db) => new Promise((ok, fail) => {
	const r = indexedDB.open(db);
	r.onsuccess = () => {
		const g = r.result.transaction("pending").objectStore("pending").getAll();
		g.onsuccess = () => { r.result.close(); ok(g.result.map(p => [String(p.m.id), p.m.kind, p.m.object_id])); };
		g.onerror = () => fail(g.error);
	};
	r.onerror = () => fail(r.error);
}))`

// locksJS is a promise for the holders and waiters of the sync lock, as
// the page sees them.
const locksJS = `navigator.locks.query().then(s => [s.held.filter(l => l.name === "margin-sync").length, s.pending.filter(l => l.name === "margin-sync").length])`

// TestTwoTabsOffline is S10: two tabs of one profile both edit offline,
// then go online.
func TestTwoTabsOffline(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	u := newAccount(t, p.URL, "tabs")
	one := newBrowser(t)
	signIn(t, one, p.URL, "tabs", false)
	openArticle(t, one, p.URL+"/a/"+id)
	waitSynced(t, one)
	tab, cancel := chromedp.NewContext(one.ctx)
	defer cancel()
	two := &browser{ctx: tab}
	openArticle(t, two, p.URL+"/a/"+id)
	waitSynced(t, two)

	// One tab holds the lock; the other waits for it.
	for _, b := range []*browser{one, two} {
		if got := eval[[]int](t, b, locksJS); !slices.Equal(got, []int{1, 1}) {
			t.Errorf("sync lock: %v held and waiting, want [1 1]", got)
		}
	}

	setOffline(t, one, true)
	setOffline(t, two, true)
	a := highlight(t, one, "the military alliance")
	// Offline, the tabs still tell each other (and a selection made
	// while the other's mark is drawn into the same paragraph would be
	// lost, as a reader's would).
	two.waitFor(t, hasMark(a))
	b := highlight(t, two, "wide range of options")
	one.waitFor(t, hasMark(b))
	db := jsString("margin-u-" + u.ID)
	one.waitFor(t, pendingJS+`(`+db+`).then(p => p.filter(m => m[1] === "annotation").length === 2)`)
	pending := eval[[][]string](t, one, pendingJS+`(`+db+`)`)
	seen := map[string]bool{}
	objects := map[string]bool{}
	for _, m := range pending {
		if seen[m[0]] {
			t.Errorf("mutation id %s is used twice: %v", m[0], pending)
		}
		seen[m[0]] = true
		objects[m[2]] = true
	}
	if !objects[a] || !objects[b] {
		t.Errorf("the outbox %v lacks one of the edits %s, %s", pending, a, b)
	}

	setOffline(t, one, false)
	setOffline(t, two, false)
	for _, br := range []*browser{one, two} {
		br.waitFor(t, hasMark(a)+` && `+hasMark(b))
	}
	waitSynced(t, one)
	waitSynced(t, two)
	want := []string{a, b}
	slices.Sort(want)
	if got := serverAnnotations(t, p.URL, "tabs"); !slices.Equal(got, want) {
		t.Errorf("the server holds %v, want %v", got, want)
	}
	if got := eval[[]int](t, one, locksJS); !slices.Equal(got, []int{1, 1}) {
		t.Errorf("sync lock after going online: %v held and waiting, want [1 1]", got)
	}
	noConsoleErrors(t, one, offlineErrors)
}

func TestSignOutAndErase(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)
	u := newAccount(t, p.URL, "leaver")
	b := newBrowser(t)
	signIn(t, b, p.URL, "leaver", false)
	openArticle(t, b, p.URL+"/a/"+id)
	highlight(t, b, "the military alliance")
	waitSynced(t, b)

	b.do(t, chromedp.Navigate(p.URL+"/account"))
	b.waitMounted(t)
	b.waitFor(t, `!!document.querySelector("#signout-erase")`)
	b.do(t, chromedp.Click(chromedp.CSS("#signout-erase")))
	b.waitFor(t, `!!document.querySelector("#signout-erase-confirm")`)
	b.screenshot(t, "account-erase-confirm")
	b.do(t, chromedp.Click(chromedp.CSS("#signout-erase-confirm")))
	b.waitAcrossNavigation(t, `location.search === "?erased=1" && !!document.querySelector("#account-form")`)
	b.waitMounted(t)

	dbs := eval[[]string](t, b, `indexedDB.databases().then(l => l.map(d => d.name))`)
	if slices.Contains(dbs, "margin-u-"+u.ID) {
		t.Errorf("the account's database is still there: %v", dbs)
	}
	if n := eval[int](t, b, `Object.keys(localStorage).filter(k => k.startsWith("margin.")).length`); n != 0 {
		t.Errorf("%d of Margin's keys are left in localStorage", n)
	}
	if status := eval[int](t, b, `fetch("/api/session").then(r => r.status)`); status != 401 {
		t.Errorf("the session answers %d after signing out", status)
	}
	noConsoleErrors(t, b, "status of 401") // the question just asked
}

// TestRestoreDeletedElsewhere is the browser's side of S6: a highlight
// deleted in one profile while the other, offline, changes it; back
// online, the other offers to restore it, as a new highlight that
// reaches the first.
func TestRestoreDeletedElsewhere(t *testing.T) {
	p, _, one, two := twoProfiles(t, "restorer")
	old := highlight(t, one, "the military alliance")
	two.waitFor(t, hasMark(old))

	setOffline(t, two, true)
	one.do(t, chromedp.Click(`article mark[data-a="`+old+`"]`))
	one.waitFor(t, `!!document.querySelector("#pop-delete")`)
	one.do(t, chromedp.Click("#pop-delete"))
	one.waitFor(t, `!`+hasMark(old))
	// The deletion reaches the server before the other's change does.
	for deadline := time.Now().Add(10 * time.Second); len(serverAnnotations(t, p.URL, "restorer")) > 0; {
		if time.Now().After(deadline) {
			t.Fatal("the deletion did not reach the server")
		}
		time.Sleep(100 * time.Millisecond)
	}

	two.do(t, chromedp.Click(`article mark[data-a="`+old+`"]`))
	two.waitFor(t, `!!document.querySelector("#popover .swatch-green")`)
	two.do(t, chromedp.Click("#popover .swatch-green"))
	two.waitFor(t, `!!document.querySelector('article mark.hl-green[data-a="`+old+`"]')`)
	two.do(t, chromedp.KeyEvent("\x1b")) // Escape closes the popover
	setOffline(t, two, false)

	// The server refuses the change: the card offers the highlight back.
	two.waitFor(t, `!!document.querySelector("#lost") && !`+hasMark(old))
	two.screenshot(t, "sync-restore-card")
	if quote := eval[string](t, two, `document.querySelector("#lost .lost-quote").textContent`); !strings.Contains(quote, "the military alliance") {
		t.Errorf("the card quotes %q", quote)
	}
	two.do(t, chromedp.Click("#lost-restore"))
	two.waitFor(t, `!document.querySelector("#lost") && !!document.querySelector("article mark.hl-green")`)
	restored := eval[string](t, two, `document.querySelector("article mark.hl-green").dataset.a`)
	if restored == old {
		t.Fatal("the restored highlight kept the deleted one's id")
	}
	one.waitFor(t, `!!document.querySelector('article mark.hl-green[data-a="`+restored+`"]')`)
	if got := serverAnnotations(t, p.URL, "restorer"); !slices.Equal(got, []string{restored}) {
		t.Errorf("the server holds %v, want only the restored %s", got, restored)
	}
	noConsoleErrors(t, one)
	noConsoleErrors(t, two, offlineErrors)
}
