package account

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestNewToken(t *testing.T) {
	secret, hash := NewToken()
	if !strings.HasPrefix(secret, "mgn_") || len(secret) != 47 {
		t.Fatalf("secret %q: want mgn_ and 43 base64url characters", secret)
	}
	raw, err := base64.RawURLEncoding.DecodeString(secret[4:])
	if err != nil || len(raw) != 32 {
		t.Fatalf("secret %q does not hold 32 bytes: %v", secret, err)
	}
	sum := sha256.Sum256(raw)
	if hash != hex.EncodeToString(sum[:]) {
		t.Fatalf("hash %s is not the SHA-256 of the secret's bytes", hash)
	}
	if got, ok := TokenHash(secret); !ok || got != hash {
		t.Fatalf("TokenHash(%q) = %q, %v; want %q", secret, got, ok, hash)
	}
	if strings.Contains(hash, secret[4:]) {
		t.Fatal("the hash holds the secret")
	}
	if again, _ := NewToken(); again == secret {
		t.Fatal("two tokens are the same")
	}
}

func TestTokenHashRefuses(t *testing.T) {
	good, _ := NewToken()
	session, _ := NewSession()
	body := good[4:]
	for _, tc := range []struct{ name, secret string }{
		{"empty", ""},
		{"prefix only", "mgn_"},
		{"a session cookie", session},
		{"another prefix", "ghp_" + body},
		{"upper-case prefix", "MGN_" + body},
		{"one character short", good[:len(good)-1]},
		{"one character long", good + "A"},
		{"padding", "mgn_" + body[:42] + "="},
		{"standard alphabet", "mgn_" + body[:42] + "+"},
		{"slash", "mgn_" + body[:42] + "/"},
		{"space", "mgn_ " + body[1:]},
		{"non-canonical last character", "mgn_" + body[:42] + "B"}, // the 43rd character's 2 spare bits set
		{"not ASCII", "mgn_" + body[:41] + "é"},
		{"NUL", "mgn_" + body[:42] + "\x00"},
		{"a megabyte", "mgn_" + strings.Repeat("A", 1<<20)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if h, ok := TokenHash(tc.secret); ok {
				t.Fatalf("TokenHash(%.60q) = %q, true", tc.secret, h)
			}
		})
	}
}

func TestCheckTokenName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"Laptop bookmarklet", true},
		{"Téléphone 📱", true},
		{strings.Repeat("é", 100), true},
		{strings.Repeat("é", 101), false},
		{"", false},
		{"   ", false},
		{"two\nlines", false},
		{"tab\there", false},
		{"bell\a", false},
		{"\u0085next line", false},
		{"bad \xff utf-8", false},
	} {
		err := CheckTokenName(tc.name)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTokenName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrRule) {
			t.Errorf("CheckTokenName(%q): %v is not a rule", tc.name, err)
		}
	}
}

func TestCheckScopes(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []string
		err  string
	}{
		{[]string{"import"}, []string{"import"}, ""},
		{[]string{"import", "import"}, []string{"import"}, ""},
		{nil, nil, "Say what the token may do"},
		{[]string{}, nil, "Say what the token may do"},
		{[]string{"import", "admin"}, nil, `There is no scope "admin"`},
		{[]string{"Import"}, nil, `There is no scope "Import"`},
		{[]string{""}, nil, `There is no scope ""`},
		{[]string{strings.Repeat("x", 1000)}, nil, `"` + strings.Repeat("x", 40) + `…"`},
		{[]string{"\x1b[31m"}, nil, `"\x1b[31m"`},
	} {
		got, err := CheckScopes(tc.in)
		if tc.err == "" {
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("CheckScopes(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrRule) {
			t.Errorf("CheckScopes(%.50q) = %q, %v; want an error with %q", tc.in, got, err, tc.err)
		}
	}
}

// FuzzTokenHash: any string is either refused or a token's canonical
// form, whose hash is the one NewToken would have stored.
func FuzzTokenHash(f *testing.F) {
	good, _ := NewToken()
	for _, s := range []string{good, "", "mgn_", good[:46] + "B", "Bearer " + good, strings.Repeat("A", 47)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ok := TokenHash(s)
		if !ok {
			if h != "" {
				t.Fatalf("a refused secret has hash %q", h)
			}
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "mgn_"))
		if err != nil || len(s) != TokenLen || "mgn_"+base64.RawURLEncoding.EncodeToString(raw) != s {
			t.Fatalf("accepted %q, which is not a canonical token", s)
		}
		sum := sha256.Sum256(raw)
		if h != hex.EncodeToString(sum[:]) {
			t.Fatalf("hash %s of %q is not its bytes' SHA-256", h, s)
		}
	})
}
