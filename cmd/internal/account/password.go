package account

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultParams are OWASP's minimum for argon2id (19 MiB, two passes,
// one lane). Each hash holds Memory for its duration, which is why a
// Hasher caps how many run at once.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// maxMemory bounds the memory a stored hash may ask for, so a damaged or
// planted hash cannot make one sign-in allocate gigabytes.
const maxMemory = 256 * 1024

// ErrBadHash is returned, wrapped, for a stored hash this package cannot
// read.
var ErrBadHash = errors.New("account: malformed password hash")

// Hasher hashes and verifies passwords with argon2id. At most a fixed
// number of hashes run at once, so a burst of sign-ins queues instead of
// allocating Memory for each. It is safe for concurrent use.
type Hasher struct {
	params  Params
	slots   chan struct{}
	dummy   string      // a well-formed hash of random bytes, for unknown users
	freeing atomic.Bool // a hand-back of memory is scheduled
}

// freeDelay is how long the hasher waits, idle, before handing its
// memory back: sign-ins come in bursts.
const freeDelay = 200 * time.Millisecond

// NewHasher returns a hasher with params that runs at most concurrency
// hashes at once (GOMAXPROCS when concurrency < 1: argon2 is CPU-bound,
// so more would only hold more memory without finishing sooner).
func NewHasher(params Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = runtime.GOMAXPROCS(0)
	}
	h := &Hasher{params: params, slots: make(chan struct{}, concurrency)}
	// The dummy only has to decode with params and match nothing: random
	// key bytes serve as well as a real hash, without the cost of one.
	salt, key := make([]byte, params.SaltLen), make([]byte, params.KeyLen)
	rand.Read(salt)
	rand.Read(key)
	h.dummy = encode(params, salt, key)
	return h
}

// Hash returns password's argon2id hash in PHC string form:
// $argon2id$v=19$m=19456,t=2,p=1$salt$key.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	rand.Read(salt)
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	defer h.release()
	p := h.params
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encode(p, salt, key), nil
}

// Verify reports whether password matches encoded, a hash made by Hash
// (with these or other parameters). An empty encoded is checked against
// a dummy hash and is never a match, so that asking about a user who
// does not exist takes as long as a wrong password.
func (h *Hasher) Verify(ctx context.Context, encoded, password string) (bool, error) {
	if encoded == "" {
		_, err := h.verify(ctx, h.dummy, password)
		return false, err
	}
	return h.verify(ctx, encoded, password)
}

func (h *Hasher) verify(ctx context.Context, encoded, password string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	defer h.release()
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with weaker parameters
// than the hasher's, so that a sign-in can store a fresh hash.
func (h *Hasher) NeedsRehash(encoded string) bool {
	p, _, _, err := decode(encoded)
	return err != nil || p.Memory < h.params.Memory || p.Time < h.params.Time || p.KeyLen < h.params.KeyLen
}

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("account: waiting to hash a password: %w", ctx.Err())
	}
}

// release frees a slot. Each hash leaves Memory of garbage behind; a
// server that signs a few people in and then sits idle would hold it
// until the runtime's periodic collection, minutes later. So once no
// hash has run for freeDelay, the memory goes back to the system.
func (h *Hasher) release() {
	<-h.slots
	if h.params.Memory >= 4096 && h.freeing.CompareAndSwap(false, true) {
		time.AfterFunc(freeDelay, h.free)
	}
}

func (h *Hasher) free() {
	if len(h.slots) > 0 {
		time.AfterFunc(freeDelay, h.free) // busy again: wait for the burst to end
		return
	}
	h.freeing.Store(false)
	debug.FreeOSMemory()
}

var b64 = base64.RawStdEncoding

func encode(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decode(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, fmt.Errorf("%w: not an argon2id PHC string", ErrBadHash)
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: version %q", ErrBadHash, parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrBadHash, parts[3])
	}
	if p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory || p.Time < 1 || p.Time > 16 || p.Threads < 1 {
		return p, nil, nil, fmt.Errorf("%w: parameters %q out of range", ErrBadHash, parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrBadHash)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("%w: key", ErrBadHash)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
