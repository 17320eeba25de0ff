package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// fast keeps the unit tests quick; the server's tests use DefaultParams.
var fast = Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(DefaultParams, 0)
	hash, err := h.Hash(ctx, "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id in PHC form with OWASP's parameters", hash)
	}
	if again, _ := h.Hash(ctx, "correct horse"); again == hash {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tc := range []struct {
		name, hash, password string
		want                 bool
	}{
		{"right", hash, "correct horse", true},
		{"wrong", hash, "correct horsf", false},
		{"empty", hash, "", false},
		{"unknown user", "", "correct horse", false},
		{"unknown user, empty password", "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := h.Verify(ctx, tc.hash, tc.password)
			if err != nil || ok != tc.want {
				t.Errorf("Verify = %v, %v; want %v", ok, err, tc.want)
			}
		})
	}
	if h.NeedsRehash(hash) {
		t.Error("a hash with today's parameters needs rehashing")
	}
	weak, _ := NewHasher(fast, 1).Hash(ctx, "pw")
	if !h.NeedsRehash(weak) {
		t.Error("a hash with weaker parameters does not need rehashing")
	}
	if ok, err := h.Verify(ctx, weak, "pw"); !ok || err != nil {
		t.Errorf("a hash with other parameters does not verify: %v %v", ok, err)
	}
}

func TestVerifyRefusesMalformedHashes(t *testing.T) {
	h := NewHasher(fast, 1)
	good, _ := h.Hash(context.Background(), "pw")
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"x",
		"$argon2i$v=19$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=16$m=64,t=1,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=4194304,t=1,p=1$" + parts[4] + "$" + parts[5], // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=0$" + parts[4] + "$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$!!$" + parts[5],
		"$argon2id$v=19$m=64,t=1,p=1$" + parts[4] + "$",
	} {
		if ok, err := h.Verify(context.Background(), bad, "pw"); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("Verify(%q) = %v, %v; want ErrBadHash", bad, ok, err)
		}
	}
}

func TestHasherQueueHonoursContext(t *testing.T) {
	h := NewHasher(fast, 1)
	h.slots <- struct{}{} // every slot busy
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hash with every slot busy: %v, want the context's error", err)
	}
	if _, err := h.Verify(ctx, "", "pw"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify with every slot busy: %v, want the context's error", err)
	}
}

func TestRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"ada", true}, {"A.d_a-9", true}, {strings.Repeat("a", 64), true},
		{"", false}, {strings.Repeat("a", 65), false}, {"ada lovelace", false},
		{"adá", false}, {"ada\x00", false}, {"<ada>", false}, {"аda", false}, // Cyrillic а
	} {
		if err := CheckName(tc.name); (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrRule) {
			t.Errorf("CheckName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"12345678", true}, {"éééééééé", true}, {strings.Repeat("x", 1024), true},
		{"1234567", false}, {"ééééééé", false}, {strings.Repeat("x", 1025), false}, {"1234567\xff", false},
	} {
		if err := CheckPassword(tc.password); (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%.20q) = %v, want ok %v", tc.password, err, tc.ok)
		}
	}
}

func TestSessions(t *testing.T) {
	cookie, hash := NewSession()
	cookie2, hash2 := NewSession()
	if cookie == cookie2 || hash == hash2 {
		t.Fatal("two sessions are equal")
	}
	if got, ok := SessionHash(cookie); !ok || got != hash {
		t.Errorf("SessionHash(cookie) = %q, %v; want %q", got, ok, hash)
	}
	if len(hash) != 64 || strings.Contains(hash, cookie) {
		t.Errorf("hash %q is not a hex SHA-256 apart from the cookie", hash)
	}
	for _, bad := range []string{"", "x", cookie[:len(cookie)-1], cookie + "A", strings.Repeat("!", len(cookie))} {
		if _, ok := SessionHash(bad); ok {
			t.Errorf("SessionHash(%q) accepted", bad)
		}
	}
}

func TestLimiter(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	l := NewLimiter(3, time.Minute, 100)
	for i := range 3 {
		if wait, _ := l.Take("ada", now.Add(time.Duration(i)*time.Second)); wait != 0 {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	wait, first := l.Take("ada", now.Add(10*time.Second))
	if wait != 50*time.Second || !first {
		t.Errorf("4th attempt: wait %v first %v; want 50s, true", wait, first)
	}
	if _, first := l.Take("ada", now.Add(11*time.Second)); first {
		t.Error("the second refusal of one lock-out is reported as the first")
	}
	if wait, _ := l.Take("bob", now); wait != 0 {
		t.Error("another key is locked out too")
	}
	if wait, _ := l.Take("ada", now.Add(60*time.Second)); wait != 0 {
		t.Error("still locked once the oldest attempt is a window old")
	}
	l.Refund("bob")
	for range 3 {
		if wait, _ := l.Take("bob", now); wait != 0 {
			t.Fatal("a refunded attempt still counts")
		}
	}
	l.Forget("bob")
	if wait, _ := l.Take("bob", now); wait != 0 {
		t.Error("a forgotten key is still locked")
	}

	small := NewLimiter(3, time.Minute, 10)
	for i := range 1000 {
		small.Take(strings.Repeat("k", i%50)+string(rune('a'+i%26)), now.Add(time.Duration(i)*time.Millisecond))
	}
	if small.Len() > 10 {
		t.Errorf("limiter holds %d keys, more than its size 10", small.Len())
	}
}
