package annotation

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

// NewID returns a new annotation id: a UUIDv7 (RFC 9562) in canonical
// lower-case form. Its first 48 bits are the Unix time in milliseconds,
// then the version (7), 12 bits, the variant (binary 10) and 62 bits; the
// 74 bits besides version and variant are random from crypto/rand.
//
// Ids made by one process sort, as strings, in the order they were made,
// even within one millisecond or when the clock steps back: such an id
// takes the last one's time and its random bits plus a random increment
// (RFC 9562, section 6.2, method 2).
func NewID() string {
	return ids.next(time.Now().UnixMilli())
}

// ValidID reports whether s is a UUID in canonical form: 32 lower-case
// hexadecimal digits in groups of 8, 4, 4, 4 and 12 joined by hyphens.
// It does not check the version, so ids made elsewhere are accepted.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// ids is the process's id generator.
var ids generator

// generator makes monotonic UUIDv7s.
type generator struct {
	mu sync.Mutex // guards the fields below
	ms int64      // the time of the last id, Unix milliseconds
	a  uint16     // the last id's 12 bits after the version
	b  uint64     // the last id's 62 bits after the variant
}

const (
	maxA = 1<<12 - 1
	maxB = 1<<62 - 1
)

// next returns an id for time now (Unix milliseconds), later than every
// id g made before.
func (g *generator) next(now int64) string {
	var r [16]byte
	rand.Read(r[:]) // never fails (crypto/rand, Go 1.24 and later)
	rb := binary.BigEndian.Uint64(r[8:])

	g.mu.Lock()
	if now > g.ms {
		g.ms = now
		g.a = binary.BigEndian.Uint16(r[:2]) & maxA
		g.b = rb & maxB
	} else {
		// Same millisecond, or the clock went back: count on from the
		// last id by a random step of 1 to 2³², carrying into a and, when
		// both overflow, into the next millisecond.
		g.b += uint64(binary.BigEndian.Uint32(r[2:6])) + 1
		if g.b > maxB {
			g.b &= maxB
			g.a++
			if g.a > maxA {
				g.ms++
				g.a = binary.BigEndian.Uint16(r[:2]) & maxA
				g.b = rb & maxB
			}
		}
	}
	ms, a, b := g.ms, g.a, g.b
	g.mu.Unlock()

	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], uint64(ms)<<16|0x7000|uint64(a))
	binary.BigEndian.PutUint64(u[8:], 1<<63|b)
	return format(u)
}

// format writes u in canonical form.
func format(u [16]byte) string {
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(s[:])
}
