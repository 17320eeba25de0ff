package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// createdToken is the answer of POST /api/tokens.
type createdToken struct {
	Token  tokenJSON `json:"token"`
	Secret string    `json:"secret"`
}

// newToken makes a token for c's user and returns its record and secret.
func newToken(t *testing.T, c *apitest.Client, name string) createdToken {
	t.Helper()
	r := must(t)(c.JSON(context.Background(), http.MethodPost, "/api/tokens", map[string]any{"name": name, "scopes": []string{"import"}}))
	if r.Status != http.StatusCreated {
		t.Fatalf("create token %q: %s", name, r)
	}
	var out createdToken
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// listed returns c's user's tokens as GET /api/tokens answers them.
func listed(t *testing.T, c *apitest.Client) ([]tokenJSON, *apitest.Response) {
	t.Helper()
	r := must(t)(c.Do(context.Background(), http.MethodGet, "/api/tokens", nil))
	if r.Status != http.StatusOK {
		t.Fatalf("list tokens: %s", r)
	}
	var out struct {
		Tokens []tokenJSON `json:"tokens"`
	}
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Tokens, r
}

// bearer returns the header pairs of a request made with secret alone,
// as the bookmarklet sends it from another site's page.
func bearer(secret string) []string {
	return []string{"Authorization", "Bearer " + secret, "Sec-Fetch-Site", "cross-site", "Origin", "https://news.example"}
}

func TestTokenLifecycle(t *testing.T) {
	st, path := openStore(t)
	srv := newAPIServerOn(t, st)
	ctx := context.Background()
	c := srv.user(t, "ada")
	if list, _ := listed(t, c); len(list) != 0 {
		t.Fatalf("a new account has tokens: %+v", list)
	}

	before := time.Now().Add(-time.Second)
	r := must(t)(c.JSON(ctx, http.MethodPost, "/api/tokens", map[string]any{"name": "  Laptop bookmarklet ", "scopes": []string{"import", "import"}}))
	if r.Status != http.StatusCreated || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %s, Cache-Control %q", r, r.Header.Get("Cache-Control"))
	}
	var made createdToken
	if err := json.Unmarshal(r.Body, &made); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(made.Secret, "mgn_") || len(made.Secret) != 47 {
		t.Fatalf("secret %q", made.Secret)
	}
	tok := made.Token
	if tok.ID == "" || tok.Name != "Laptop bookmarklet" || len(tok.Scopes) != 1 || tok.Scopes[0] != "import" ||
		tok.Created.Before(before) || tok.LastUsed != nil {
		t.Fatalf("record %+v", tok)
	}
	if !bytes.Contains(r.Body, []byte(`"last_used":null`)) {
		t.Fatalf("a token never used has no last_used null: %s", r.Body)
	}

	list, lr := listed(t, c)
	if len(list) != 1 || list[0].ID != tok.ID || list[0].Name != tok.Name || !list[0].Created.Equal(tok.Created) {
		t.Fatalf("list %+v", list)
	}
	if bytes.Contains(lr.Body, []byte(made.Secret[4:])) || bytes.Contains(lr.Body, []byte("hash")) {
		t.Fatalf("the list shows the secret or its hash: %s", lr.Body)
	}
	// A use marks it.
	wantStatus(t, "the token on a route it may not call", must(t)(apitest.New(srv.URL).Do(ctx, http.MethodGet, "/api/tokens", nil, bearer(made.Secret)...)),
		http.StatusForbidden, "token_not_allowed")
	if list, _ := listed(t, c); list[0].LastUsed == nil || list[0].LastUsed.Before(before) {
		t.Fatalf("after a use, last used %v", list[0].LastUsed)
	}

	// Only the hash is stored: the database file never holds the secret.
	srv.Store.Close()
	db, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	wal, _ := os.ReadFile(path + "-wal")
	if bytes.Contains(db, []byte(made.Secret[4:])) || bytes.Contains(wal, []byte(made.Secret[4:])) {
		t.Fatal("the database holds the token's secret")
	}
}

func TestTokenRevocation(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	keep, gone := newToken(t, c, "keep"), newToken(t, c, "gone")
	wantStatus(t, "revoke", must(t)(c.Do(ctx, http.MethodDelete, "/api/tokens/"+gone.Token.ID, nil)), http.StatusNoContent, "")
	if list, _ := listed(t, c); len(list) != 1 || list[0].ID != keep.Token.ID {
		t.Fatalf("after revoking one: %+v", list)
	}
	anon := apitest.New(srv.URL)
	r := must(t)(anon.Do(ctx, http.MethodPost, "/api/import", []byte(`{"url":"https://news.example/a"}`), bearer(gone.Secret)...))
	wantStatus(t, "a revoked token", r, http.StatusUnauthorized, "bad_token")
	if r.Header.Get("WWW-Authenticate") != `Bearer error="invalid_token"` {
		t.Errorf("401 without the Bearer challenge: %q", r.Header.Get("WWW-Authenticate"))
	}
	wantStatus(t, "revoke twice", must(t)(c.Do(ctx, http.MethodDelete, "/api/tokens/"+gone.Token.ID, nil)), http.StatusNotFound, "not_found")
	wantStatus(t, "the kept token still opens", must(t)(anon.Do(ctx, http.MethodGet, "/api/session", nil, bearer(keep.Secret)...)),
		http.StatusForbidden, "token_not_allowed")
	// Signing out does not revoke tokens; deleting the account does.
	wantStatus(t, "delete account", must(t)(c.JSON(ctx, http.MethodDelete, "/api/account", map[string]string{"password": password})), http.StatusNoContent, "")
	wantStatus(t, "a deleted account's token", must(t)(anon.Do(ctx, http.MethodGet, "/api/session", nil, bearer(keep.Secret)...)),
		http.StatusUnauthorized, "bad_token")
}

func TestTokenCreationRefusals(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	for _, tc := range []struct {
		what, body string
		status     int
		code       string
	}{
		{"no name", `{"scopes":["import"]}`, 400, "bad_name"},
		{"blank name", `{"name":"   ","scopes":["import"]}`, 400, "bad_name"},
		{"101 characters", `{"name":"` + strings.Repeat("é", 101) + `","scopes":["import"]}`, 400, "bad_name"},
		{"a line break", `{"name":"a\nb","scopes":["import"]}`, 400, "bad_name"},
		{"no scopes", `{"name":"x"}`, 400, "bad_scope"},
		{"empty scopes", `{"name":"x","scopes":[]}`, 400, "bad_scope"},
		{"unknown scope", `{"name":"x","scopes":["import","admin"]}`, 400, "bad_scope"},
		{"scope in another case", `{"name":"x","scopes":["IMPORT"]}`, 400, "bad_scope"},
		{"scopes not a list", `{"name":"x","scopes":"import"}`, 400, "bad_json"},
		{"unknown field", `{"name":"x","scopes":["import"],"user_id":"someone"}`, 400, "bad_json"},
		{"a second value", `{"name":"x","scopes":["import"]}{}`, 400, "bad_json"},
		{"not JSON", `name=x`, 400, "bad_json"},
		{"oversized", `{"name":"` + strings.Repeat("x", 8<<10) + `","scopes":["import"]}`, 413, "too_large"},
	} {
		wantStatus(t, tc.what, must(t)(c.Do(ctx, http.MethodPost, "/api/tokens", []byte(tc.body))), tc.status, tc.code)
	}
	wantStatus(t, "form-encoded", must(t)(c.Do(ctx, http.MethodPost, "/api/tokens", []byte("name=x"), "Content-Type", "application/x-www-form-urlencoded")),
		http.StatusUnsupportedMediaType, "unsupported_media_type")
	if list, _ := listed(t, c); len(list) != 0 {
		t.Fatalf("refused creations stored %d tokens", len(list))
	}
	r := must(t)(c.JSON(ctx, http.MethodPost, "/api/tokens", map[string]any{"name": strings.Repeat("é", 100), "scopes": []string{"import"}}))
	wantStatus(t, "100 characters", r, http.StatusCreated, "")
	for i := 2; i <= 50; i++ {
		newToken(t, c, fmt.Sprintf("token %d", i))
	}
	wantStatus(t, "the 51st token", must(t)(c.JSON(ctx, http.MethodPost, "/api/tokens", map[string]any{"name": "one more", "scopes": []string{"import"}})),
		http.StatusConflict, "too_many_tokens")
	if list, _ := listed(t, c); len(list) != 50 {
		t.Fatalf("%d tokens, want 50", len(list))
	}
}

// X7 for tokens: another user's token id is one that does not exist;
// token routes need a session.
func TestTokenAccessControl(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada, bob := srv.user(t, "ada"), srv.user(t, "bob")
	adas := newToken(t, ada, "ada's")
	newToken(t, bob, "bob's")
	wantStatus(t, "bob revokes ada's token", must(t)(bob.Do(ctx, http.MethodDelete, "/api/tokens/"+adas.Token.ID, nil)), http.StatusNotFound, "not_found")
	for _, id := range []string{"nope", strings.Repeat("a", 5000), "%00", "..%2f..%2fsession"} {
		r := must(t)(bob.Do(ctx, http.MethodDelete, "/api/tokens/"+id, nil))
		if r.Status != http.StatusNotFound {
			t.Errorf("revoke %.40q: %s", id, r)
		}
	}
	if list, r := listed(t, bob); len(list) != 1 || list[0].Name != "bob's" || bytes.Contains(r.Body, []byte("ada")) {
		t.Fatalf("bob's list: %s", r.Body)
	}
	if list, _ := listed(t, ada); len(list) != 1 || list[0].ID != adas.Token.ID {
		t.Fatalf("ada's tokens after bob's attempt: %+v", list)
	}
	anon := apitest.New(srv.URL)
	for _, rt := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/tokens", ""},
		{http.MethodPost, "/api/tokens", `{"name":"x","scopes":["import"]}`},
		{http.MethodDelete, "/api/tokens/" + adas.Token.ID, ""},
	} {
		var body []byte
		if rt.body != "" {
			body = []byte(rt.body)
		}
		wantStatus(t, "anonymous "+rt.method+" "+rt.path, must(t)(anon.Do(ctx, rt.method, rt.path, body)), http.StatusUnauthorized, "signed_out")
	}
	if list, _ := listed(t, ada); len(list) != 1 {
		t.Fatalf("ada's tokens after anonymous requests: %+v", list)
	}
}

// A token does only what its scope names: managing tokens, the account
// and sync all refuse it (403), even with a session cookie beside it,
// and change nothing.
func TestTokenOutsideItsScope(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada := srv.user(t, "ada")
	tok := newToken(t, ada, "bookmarklet")
	client := apitest.ClientID()
	for _, rt := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/tokens", ""},
		{http.MethodPost, "/api/tokens", `{"name":"minted","scopes":["import"]}`},
		{http.MethodDelete, "/api/tokens/" + tok.Token.ID, ""},
		{http.MethodGet, "/api/session", ""},
		{http.MethodDelete, "/api/session", ""},
		{http.MethodPost, "/api/account/password", `{"password":"` + password + `","new_password":"taken over!"}`},
		{http.MethodDelete, "/api/account", `{"password":"` + password + `"}`},
		{http.MethodPost, "/api/sync/push", string(mustJSON(apitest.Creates(client, 1, 1)))},
		{http.MethodGet, "/api/sync/pull?client_id=" + client, ""},
		{http.MethodGet, "/api/sync/events", ""},
		{http.MethodGet, "/api/articles", ""},
		{http.MethodGet, "/api/nothing", ""},
		{http.MethodGet, "/account", ""},
	} {
		var body []byte
		if rt.body != "" {
			body = []byte(rt.body)
		}
		for _, who := range []struct {
			name string
			c    *apitest.Client
		}{{"a token alone", apitest.New(srv.URL)}, {"a token and ada's session", ada}} {
			r := must(t)(who.c.Do(ctx, rt.method, rt.path, body, "Authorization", "Bearer "+tok.Secret))
			wantStatus(t, who.name+": "+rt.method+" "+rt.path, r, http.StatusForbidden, "token_not_allowed")
		}
	}
	if list, _ := listed(t, ada); len(list) != 1 || list[0].ID != tok.Token.ID {
		t.Fatalf("ada's tokens changed: %+v", list)
	}
	if recs, _, err := ada.PullAll(ctx, client); err != nil || len(recs) != 0 {
		t.Fatalf("a token's push stored %d records (%v)", len(recs), err)
	}
	wantStatus(t, "ada's session still works", must(t)(ada.Do(ctx, http.MethodGet, "/api/session", nil)), http.StatusOK, "")
	if _, err := ada.SignIn(ctx, "ada", password); err != nil {
		t.Fatal(err)
	}
}

// X9 for tokens: malformed, oversized and doubled Authorization headers
// are refused (401) without a look at the cookie beside them; other
// schemes (a proxy's Basic) are left alone.
func TestTokenMalformedAuthorization(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada := srv.user(t, "ada")
	tok := newToken(t, ada, "bookmarklet")
	s := tok.Secret
	for _, tc := range []struct{ what, header string }{
		{"scheme only", "Bearer"},
		{"scheme and a space", "Bearer "},
		{"no prefix", "Bearer " + s[4:]},
		{"a prefix and nothing", "Bearer mgn_"},
		{"one character short", "Bearer " + s[:len(s)-1]},
		{"one character more", "Bearer " + s + "A"},
		{"a second word", "Bearer " + s + " extra"},
		{"a comma list", "Bearer " + s + ", Bearer " + s},
		{"standard base64", "Bearer mgn_" + strings.Repeat("+", 43)},
		{"a quoted token", `Bearer "` + s + `"`},
		{"64 KiB", "Bearer " + strings.Repeat("A", 64<<10)},
		{"mgn_ and 64 KiB", "Bearer mgn_" + strings.Repeat("A", 64<<10)},
		{"lower-case scheme, wrong token", "bearer mgn_" + strings.Repeat("A", 42) + "B"},
		{"a session secret", "Bearer " + strings.Repeat("A", 43)},
	} {
		for _, path := range []string{"/api/import", "/api/tokens"} {
			method := http.MethodPost
			if path == "/api/tokens" {
				method = http.MethodGet
			}
			r := must(t)(ada.Do(ctx, method, path, []byte(`{}`), "Authorization", tc.header))
			wantStatus(t, tc.what+" on "+path, r, http.StatusUnauthorized, "bad_token")
		}
	}
	// Two Authorization headers: refused, whichever comes first.
	for _, pair := range [][2]string{{"Bearer " + s, "Bearer " + s}, {"Basic YTpi", "Bearer " + s}, {"Bearer " + s, "Basic YTpi"}} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/tokens", nil)
		req.Header.Add("Authorization", pair[0])
		req.Header.Add("Authorization", pair[1])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("two Authorization headers %q: %d, want 401", pair, resp.StatusCode)
		}
	}
	// The scheme is case-insensitive.
	wantStatus(t, "lower-case scheme", must(t)(ada.Do(ctx, http.MethodGet, "/api/session", nil, "Authorization", "bearer "+s)),
		http.StatusForbidden, "token_not_allowed")
	// Other schemes leave the session at work.
	for _, h := range []string{"Basic YWRhOnNlY3JldA==", "Digest username=\"ada\"", "Bearerish " + s, "Token " + s} {
		wantStatus(t, "Authorization: "+h, must(t)(ada.Do(ctx, http.MethodGet, "/api/tokens", nil, "Authorization", h)), http.StatusOK, "")
	}
	if list, _ := listed(t, ada); len(list) != 1 {
		t.Fatalf("ada's tokens: %+v", list)
	}
}

// Cookie requests to the token routes keep the cross-origin check.
func TestTokenRoutesCrossOrigin(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada := srv.user(t, "ada")
	tok := newToken(t, ada, "keep")
	for _, h := range [][]string{{"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "", "Origin", "https://evil.example"}} {
		wantStatus(t, fmt.Sprint("create from elsewhere ", h), must(t)(ada.Do(ctx, http.MethodPost, "/api/tokens", []byte(`{"name":"evil","scopes":["import"]}`), h...)),
			http.StatusForbidden, "cross_origin")
		wantStatus(t, fmt.Sprint("revoke from elsewhere ", h), must(t)(ada.Do(ctx, http.MethodDelete, "/api/tokens/"+tok.Token.ID, nil, h...)),
			http.StatusForbidden, "cross_origin")
		wantStatus(t, fmt.Sprint("import with a cookie from elsewhere ", h), must(t)(ada.Do(ctx, http.MethodPost, "/api/import", []byte(`{"url":"https://news.example/"}`), h...)),
			http.StatusForbidden, "cross_origin")
	}
	if list, _ := listed(t, ada); len(list) != 1 || list[0].ID != tok.Token.ID {
		t.Fatalf("ada's tokens after cross-site requests: %+v", list)
	}
}

// The bookmarklet's preflight: any origin may POST to /api/import with
// an Authorization and a JSON body, without credentials.
func TestTokenPreflight(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	anon := apitest.New(srv.URL)
	r := must(t)(anon.Do(ctx, http.MethodOptions, "/api/import", nil, "Sec-Fetch-Site", "cross-site", "Origin", "https://news.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "authorization,content-type"))
	want := map[string]string{
		"Access-Control-Allow-Origin":          "*",
		"Access-Control-Allow-Methods":         "POST",
		"Access-Control-Allow-Headers":         "Authorization, Content-Type",
		"Access-Control-Max-Age":               "7200",
		"Access-Control-Allow-Credentials":     "",
		"Access-Control-Allow-Private-Network": "",
	}
	if r.Status != http.StatusNoContent {
		t.Fatalf("preflight: %s", r)
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("preflight %s: %q, want %q", k, got, v)
		}
	}
	r = must(t)(anon.Do(ctx, http.MethodOptions, "/api/import", nil, "Origin", "https://news.example",
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Private-Network", "true"))
	if r.Header.Get("Access-Control-Allow-Private-Network") != "true" {
		t.Errorf("a private-network preflight is not allowed: %v", r.Header)
	}
	// Answers of the import route carry it too, errors included, so the
	// bookmarklet can read why.
	r = must(t)(anon.Do(ctx, http.MethodPost, "/api/import", []byte(`{}`), bearer("mgn_wrong")...))
	if r.Status != http.StatusUnauthorized || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("a refused import from elsewhere: %s, %v", r, r.Header)
	}
	// No other route opens to other origins.
	for _, path := range []string{"/api/tokens", "/api/session", "/api/sync/push"} {
		r := must(t)(anon.Do(ctx, http.MethodOptions, path, nil, "Origin", "https://news.example", "Access-Control-Request-Method", "POST"))
		if r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("OPTIONS %s allows other origins: %v", path, r.Header)
		}
	}
}

// A token request reaches its route authenticated by the token alone,
// cookies dropped, past the cross-origin check; the route stands in for
// the import handler.
func TestTokenPrincipal(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada, bob := srv.user(t, "ada"), srv.user(t, "bob")
	tok := newToken(t, bob, "bob's bookmarklet")
	mux := http.NewServeMux()
	type seen struct {
		principal
		OK     bool
		Cookie string
	}
	mux.HandleFunc("POST /api/import", func(w http.ResponseWriter, r *http.Request) {
		p, ok := tokenPrincipal(r.Context())
		json.NewEncoder(w).Encode(seen{p, ok, r.Header.Get("Cookie")})
	})
	mux.HandleFunc("POST /api/other", func(w http.ResponseWriter, r *http.Request) { t.Error("a token reached a route outside its scope") })
	refused := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, ok := tokenPrincipal(r.Context())
		w.Header().Set("X-Next", fmt.Sprint(ok))
		w.WriteHeader(http.StatusTeapot)
	})
	h := srv.withTokens(mux, refused)
	do := func(c *apitest.Client, path string, header ...string) *httptest.ResponseRecorder {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path, strings.NewReader(`{}`))
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		u, _ := req.URL.Parse(srv.URL)
		for _, ck := range c.HTTP.Jar.Cookies(u) {
			req.AddCookie(ck)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	resp := do(ada, "/api/import", bearer(tok.Secret)...)
	var got seen
	if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil {
		t.Fatalf("%d %s: %v", resp.Code, resp.Body, err)
	}
	want := principal{UserID: sessionUser(t, srv, bob), LimitKey: "token:" + tok.Token.ID}
	if !got.OK || got.principal != want || got.Cookie != "" {
		t.Fatalf("the route saw %+v, want %+v with no cookie", got, want)
	}
	if resp.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("no CORS header on the token route: %v", resp.Header())
	}
	if resp := do(ada, "/api/other", bearer(tok.Secret)...); resp.Code != http.StatusForbidden {
		t.Errorf("a token on a route outside tokenRoutes: %d", resp.Code)
	}
	// Without a token the request goes on to the cross-origin check and
	// the session, and carries no principal.
	if resp := do(ada, "/api/import", "Sec-Fetch-Site", "cross-site"); resp.Code != http.StatusTeapot || resp.Header().Get("X-Next") != "false" {
		t.Errorf("a cookie request was not handed on: %d %v", resp.Code, resp.Header())
	}
}

// summaries returns the ids of the articles GET /api/articles lists for c.
func summaries(t *testing.T, c *apitest.Client) map[string]bool {
	t.Helper()
	r := must(t)(c.Do(context.Background(), http.MethodGet, "/api/articles", nil))
	var list struct{ Articles []struct{ ID string } }
	if err := json.Unmarshal(r.Body, &list); err != nil || r.Status != http.StatusOK {
		t.Fatalf("library: %s (%v)", r, err)
	}
	ids := map[string]bool{}
	for _, a := range list.Articles {
		ids[a.ID] = true
	}
	return ids
}

// The bookmarklet's request: a token with the import scope imports the
// page it sends into its own user's library, from another site's page,
// whatever cookie rides along; its imports are counted under the token.
func TestTokenImports(t *testing.T) {
	ps := newPageServer(t)
	srv := importServer(t, openStoreOnly(t), ps, func(c *Config) { c.Limits.ImportsPerUser = 2 })
	ctx := context.Background()
	ada, bob := srv.user(t, "ada"), srv.user(t, "bob")
	tok := newToken(t, bob, "bob's bookmarklet")
	page := `<!doctype html><html><head><title>Seen by Bob</title></head><body><article><h1>Seen by Bob</h1>
<p>This page was behind a sign-in, and the bookmarklet sent it as Bob's browser showed it, sentence by sentence.</p>
<p>A second paragraph makes the article long enough to be one, with words enough for the extractor to keep it.</p>
<p>And a third, which says nothing new but says it at length, so that there is no doubt this is the article text.</p></article></body></html>`
	body := map[string]any{"url": ps.URL + "/members/story", "html": page}

	// With ada's cookie beside bob's token, from another site: bob's import.
	r := must(t)(ada.JSON(ctx, http.MethodPost, "/api/import", body, bearer(tok.Secret)...))
	if r.Status != http.StatusCreated || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("import with a token: %s %v", r, r.Header)
	}
	id := importAnswer(t, r).Article.ID
	if !summaries(t, bob)[id] || summaries(t, ada)[id] {
		t.Fatalf("the import is not bob's alone: bob %v, ada %v", summaries(t, bob)[id], summaries(t, ada)[id])
	}
	if got := importAnswer(t, r); !strings.HasPrefix(got.Article.Meta.Title, "Seen by Bob") {
		t.Fatalf("imported %+v", got)
	}
	// Again: the same article, existing.
	r = must(t)(apitest.New(srv.URL).JSON(ctx, http.MethodPost, "/api/import", body, bearer(tok.Secret)...))
	if r.Status != http.StatusOK || !importAnswer(t, r).Existing || importAnswer(t, r).Article.ID != id {
		t.Fatalf("a second import: %s", r)
	}
	// The limit counts the token: its third import waits, bob's session does not.
	r = must(t)(apitest.New(srv.URL).JSON(ctx, http.MethodPost, "/api/import", body, bearer(tok.Secret)...))
	wantStatus(t, "the token's third import", r, http.StatusTooManyRequests, "rate_limited")
	if r.Header.Get("Retry-After") == "" || r.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("429 without Retry-After or CORS: %v", r.Header)
	}
	wantStatus(t, "bob's own import", postImport(t, bob, map[string]any{"url": ps.URL + "/story"}), http.StatusCreated, "")
	// A session import from another site is still refused.
	wantStatus(t, "a cookie import from elsewhere", must(t)(bob.JSON(ctx, http.MethodPost, "/api/import", body, "Sec-Fetch-Site", "cross-site")),
		http.StatusForbidden, "cross_origin")
	// Revoked, the token imports nothing.
	wantStatus(t, "revoke", must(t)(bob.Do(ctx, http.MethodDelete, "/api/tokens/"+tok.Token.ID, nil)), http.StatusNoContent, "")
	wantStatus(t, "a revoked token's import", must(t)(apitest.New(srv.URL).JSON(ctx, http.MethodPost, "/api/import",
		map[string]any{"url": ps.URL + "/other", "html": page}, bearer(tok.Secret)...)), http.StatusUnauthorized, "bad_token")
}

// FuzzBearerSecret: any Authorization header, or two, is read without
// a panic; a secret comes only from one Bearer header no longer than
// maxAuthorization, and a header that is not Bearer is left alone.
func FuzzBearerSecret(f *testing.F) {
	for _, s := range []string{"Bearer mgn_x", "bearer\tmgn_x", "Basic YTpi", "Bearer", "", "Bearerx", "BEARER  mgn_"} {
		f.Add(s, "")
		f.Add(s, "Bearer mgn_y")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		h := http.Header{}
		h.Add("Authorization", a)
		if b != "" {
			h.Add("Authorization", b)
		}
		secret, bearer := bearerSecret(h)
		if !bearer && (isBearer(a) || b != "" && isBearer(b)) {
			t.Fatalf("%q, %q: a Bearer header taken for another scheme", a, b)
		}
		if bearer && !isBearer(a) && !isBearer(b) {
			t.Fatalf("%q, %q: taken for Bearer", a, b)
		}
		if secret != "" && (b != "" || len(a) > maxAuthorization || !strings.HasSuffix(a, secret)) {
			t.Fatalf("%q, %q: secret %q", a, b, secret)
		}
	})
}
