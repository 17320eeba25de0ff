package serverproc

import (
	"context"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// margin runs the binary with args and stdin, and returns its output.
func margin(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// "margin user add" makes an account on a server whose sign-up is
// closed; "user passwd" changes its password and ends its sessions;
// "backup" copies the database.
func TestUserCommandsAndClosedSignup(t *testing.T) {
	binary(t)
	ctx := context.Background()
	data := t.TempDir()
	if out, err := margin(t, "first password\n", "user", "add", "ada", "--data", data); err != nil || !strings.Contains(out, "created ada") {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	for _, tc := range []struct{ stdin, name string }{
		{"first password\n", "ADA"},   // taken
		{"short\n", "bob"},            // too short
		{"", "bob"},                   // no password
		{"first password\n", "b o b"}, // bad name
	} {
		if out, err := margin(t, tc.stdin, "user", "add", "--data", data, tc.name); err == nil || strings.TrimSpace(out) == "" {
			t.Errorf("user add %q with %q: %v, %q; want a failure that says why", tc.name, tc.stdin, err, out)
		}
	}

	p := start(t, data, nil, "--signup=closed")
	c := apitest.New(p.URL)
	if r, err := c.SignUp(ctx, "bob", "bob's password"); err != nil || r.Status != http.StatusForbidden || r.Problem().Code != "signup_closed" {
		t.Errorf("sign up on a closed server: %v %v", r, err)
	}
	if r, err := c.SignIn(ctx, "ada", "first password"); err != nil || r.Status != http.StatusOK {
		t.Fatalf("sign in as the added user: %v %v", r, err)
	}
	if out, err := margin(t, "second password\n", "user", "passwd", "ada", "--data", data); err != nil {
		t.Fatalf("user passwd: %v\n%s", err, out)
	}
	if r, _ := c.Do(ctx, http.MethodGet, "/api/session", nil); r == nil || r.Status != http.StatusUnauthorized {
		t.Errorf("session after user passwd: %v; want 401", r)
	}
	if r, err := c.SignIn(ctx, "ada", "second password"); err != nil || r.Status != http.StatusOK {
		t.Errorf("sign in with the new password: %v %v", r, err)
	}
	copyPath := filepath.Join(t.TempDir(), "copy.db")
	if out, err := margin(t, "", "backup", "--data", data, copyPath); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if integrity, _, _ := sqliteCheck(t, copyPath); integrity != "ok" {
		t.Errorf("backup copy: integrity_check %q", integrity)
	}
	if out, err := margin(t, "", "serve", "--signup=maybe", "--data", data); err == nil || !strings.Contains(out, "--signup") {
		t.Errorf("serve --signup=maybe: %v %q", err, out)
	}
}
