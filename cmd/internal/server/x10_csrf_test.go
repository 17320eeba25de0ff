package server

import (
	"context"
	"net/http"
	"testing"

	"margin/cmd/internal/apitest"
)

// X10: with a valid session, a state-changing request from another site
// is refused (403), whether the browser says so with Sec-Fetch-Site or
// only with Origin; the same request from the app's own origin passes;
// a body that is not JSON is refused (415). Refused pushes store nothing.
func TestX10CrossOriginRequests(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	c := srv.user(t, "ada")
	client := apitest.ClientID()
	push := func(first int64, header ...string) *apitest.Response {
		return must(t)(c.JSON(ctx, http.MethodPost, "/api/sync/push", apitest.Creates(client, first, 1), header...))
	}
	wantStatus(t, "Sec-Fetch-Site: cross-site", push(1, "Sec-Fetch-Site", "cross-site"), http.StatusForbidden, "cross_origin")
	wantStatus(t, "Sec-Fetch-Site: same-site", push(1, "Sec-Fetch-Site", "same-site"), http.StatusForbidden, "cross_origin")
	wantStatus(t, "Origin elsewhere, no Sec-Fetch-Site", push(1, "Sec-Fetch-Site", "", "Origin", "https://evil.example"), http.StatusForbidden, "cross_origin")
	wantStatus(t, "sign-in from elsewhere", must(t)(apitest.New(srv.URL).JSON(ctx, http.MethodPost, "/api/session",
		map[string]string{"name": "ada", "password": password}, "Sec-Fetch-Site", "cross-site")), http.StatusForbidden, "cross_origin")
	wantStatus(t, "sign-out from elsewhere", must(t)(c.Do(ctx, http.MethodDelete, "/api/session", nil, "Sec-Fetch-Site", "cross-site")), http.StatusForbidden, "cross_origin")
	if recs, _, err := c.PullAll(ctx, client); err != nil || len(recs) != 0 {
		t.Fatalf("refused pushes stored %d records (%v)", len(recs), err)
	}

	for _, tc := range []struct {
		what, contentType, body string
	}{
		{"text/plain", "text/plain", `{"protocol":1}`},
		{"form", "application/x-www-form-urlencoded", "protocol=1"},
		{"multipart", "multipart/form-data; boundary=x", "--x--"},
	} {
		wantStatus(t, tc.what, must(t)(c.Do(ctx, http.MethodPost, "/api/sync/push", []byte(tc.body), "Content-Type", tc.contentType)),
			http.StatusUnsupportedMediaType, "unsupported_media_type")
	}
	wantStatus(t, "text/plain sign-in", must(t)(apitest.New(srv.URL).Do(ctx, http.MethodPost, "/api/session",
		[]byte(`{"name":"ada","password":"`+password+`"}`), "Content-Type", "text/plain")), http.StatusUnsupportedMediaType, "unsupported_media_type")

	wantStatus(t, "same origin", push(1), http.StatusOK, "")
	wantStatus(t, "same Origin, no Sec-Fetch-Site", push(2, "Sec-Fetch-Site", "", "Origin", srv.URL), http.StatusOK, "")
	wantStatus(t, "neither header (not a browser)", push(3, "Sec-Fetch-Site", ""), http.StatusOK, "")
	if recs, _, err := c.PullAll(ctx, client); err != nil || len(recs) != 3 {
		t.Fatalf("accepted pushes stored %d records, want 3 (%v)", len(recs), err)
	}
}
