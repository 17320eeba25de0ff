package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/store"
)

func TestAccountLifecycle(t *testing.T) {
	srv := newAPIServer(t)
	ctx := context.Background()
	ada := srv.user(t, "Ada")
	other := apitest.New(srv.URL)
	wantStatus(t, "second browser signs in", must(t)(other.SignIn(ctx, "ada", password)), http.StatusOK, "")

	for _, tc := range []struct {
		what, name, password string
		status               int
		code                 string
	}{
		{"taken name, other case", "ADA", password, http.StatusConflict, "name_taken"},
		{"empty name", "", password, http.StatusBadRequest, "bad_name"},
		{"name with a space", "ada lovelace", password, http.StatusBadRequest, "bad_name"},
		{"long name", strings.Repeat("a", 65), password, http.StatusBadRequest, "bad_name"},
		{"short password", "bob", "1234567", http.StatusBadRequest, "bad_password"},
		{"long password", "bob", strings.Repeat("x", 1025), http.StatusBadRequest, "bad_password"},
	} {
		wantStatus(t, tc.what, must(t)(apitest.New(srv.URL).SignUp(ctx, tc.name, tc.password)), tc.status, tc.code)
	}

	r := must(t)(ada.Do(ctx, http.MethodGet, "/api/session", nil))
	wantStatus(t, "session", r, http.StatusOK, "")
	if !strings.Contains(string(r.Body), `"name":"Ada"`) {
		t.Errorf("session answer %s lacks the name as typed", r.Body)
	}

	change := func(c *apitest.Client, old, new string) *apitest.Response {
		return must(t)(c.JSON(ctx, http.MethodPost, "/api/account/password", map[string]string{"password": old, "new_password": new}))
	}
	wantStatus(t, "change with a wrong password", change(ada, "wrong password", "new password 1"), http.StatusForbidden, "wrong_password")
	wantStatus(t, "change to a short password", change(ada, password, "short"), http.StatusBadRequest, "bad_password")
	wantStatus(t, "change password", change(ada, password, "new password 1"), http.StatusNoContent, "")
	wantStatus(t, "this session after the change", must(t)(ada.Do(ctx, http.MethodGet, "/api/session", nil)), http.StatusOK, "")
	wantStatus(t, "other session after the change", must(t)(other.Do(ctx, http.MethodGet, "/api/session", nil)), http.StatusUnauthorized, "signed_out")
	wantStatus(t, "old password", must(t)(other.SignIn(ctx, "ada", password)), http.StatusUnauthorized, "bad_credentials")
	wantStatus(t, "new password", must(t)(other.SignIn(ctx, "ada", "new password 1")), http.StatusOK, "")

	del := func(pw string) *apitest.Response {
		return must(t)(ada.JSON(ctx, http.MethodDelete, "/api/account", map[string]string{"password": pw}))
	}
	wantStatus(t, "delete with a wrong password", del("wrong password"), http.StatusForbidden, "wrong_password")
	wantStatus(t, "delete", del("new password 1"), http.StatusNoContent, "")
	wantStatus(t, "session of a deleted account", must(t)(other.Do(ctx, http.MethodGet, "/api/session", nil)), http.StatusUnauthorized, "signed_out")
	wantStatus(t, "sign in to a deleted account", must(t)(other.SignIn(ctx, "ada", "new password 1")), http.StatusUnauthorized, "bad_credentials")
	wantStatus(t, "name free again", must(t)(apitest.New(srv.URL).SignUp(ctx, "ada", password)), http.StatusCreated, "")
}

func TestSignupClosed(t *testing.T) {
	srv := newAPIServer(t, func(c *Config) { c.SignupClosed = true })
	wantStatus(t, "sign up", must(t)(apitest.New(srv.URL).SignUp(context.Background(), "ada", password)), http.StatusForbidden, "signup_closed")
}

// downStore is a store whose Ping fails while down is set.
type downStore struct {
	store.Store
	down atomic.Bool
}

func (s *downStore) Ping(ctx context.Context) error {
	if s.down.Load() {
		return errors.New("the database is down")
	}
	return s.Store.Ping(ctx)
}

func TestHealthzPingsStore(t *testing.T) {
	st, _ := openStore(t)
	ds := &downStore{Store: st}
	srv := newAPIServerOn(t, ds)
	c := apitest.New(srv.URL)
	wantStatus(t, "healthz", must(t)(c.Do(context.Background(), http.MethodGet, "/healthz", nil)), http.StatusOK, "")
	ds.down.Store(true)
	wantStatus(t, "healthz with the store down", must(t)(c.Do(context.Background(), http.MethodGet, "/healthz", nil)), http.StatusServiceUnavailable, "unavailable")
}
