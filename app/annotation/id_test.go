package annotation

import (
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestNewIDForm(t *testing.T) {
	before := time.Now().UnixMilli()
	id := NewID()
	after := time.Now().UnixMilli()
	if !ValidID(id) {
		t.Fatalf("NewID() = %q, not a canonical UUID", id)
	}
	b, err := hex.DecodeString(strings.ReplaceAll(id, "-", ""))
	if err != nil {
		t.Fatal(err)
	}
	if v := b[6] >> 4; v != 7 {
		t.Errorf("version = %d, want 7", v)
	}
	if v := b[8] >> 6; v != 0b10 {
		t.Errorf("variant bits = %b, want 10", v)
	}
	var ms int64
	for _, c := range b[:6] {
		ms = ms<<8 | int64(c)
	}
	if ms < before || ms > after {
		t.Errorf("timestamp %d is not between %d and %d", ms, before, after)
	}
}

func TestNewIDMonotonic(t *testing.T) {
	tests := []struct {
		name  string
		g     *generator
		times []int64 // the clock at each call
	}{
		{"same millisecond", &generator{}, repeat(1_700_000_000_000, 5000)},
		{"clock steps back", &generator{}, []int64{1_700_000_000_005, 1_700_000_000_004, 1_700_000_000_000, 1_700_000_000_005, 1_700_000_000_006}},
		{"random bits overflow", &generator{ms: 1_700_000_000_000, a: maxA, b: maxB - 3}, repeat(1_700_000_000_000, 3)},
		{"low bits carry", &generator{ms: 1_700_000_000_000, a: 5, b: maxB}, repeat(1_700_000_000_000, 3)},
		{"time moves on", &generator{}, []int64{1, 2, 3, 1 << 40, 1<<47 - 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := ""
			if tt.g.ms != 0 {
				prev = formatState(tt.g.ms, tt.g.a, tt.g.b)
			}
			for i, now := range tt.times {
				id := tt.g.next(now)
				if !ValidID(id) || id[14] != '7' || !strings.ContainsRune("89ab", rune(id[19])) {
					t.Fatalf("call %d: %q is not a UUIDv7", i, id)
				}
				if id <= prev {
					t.Fatalf("call %d: %q does not sort after %q", i, id, prev)
				}
				prev = id
			}
		})
	}
}

func TestNewIDConcurrent(t *testing.T) {
	const n, workers = 2000, 4
	var wg sync.WaitGroup
	out := make([][]string, workers)
	for w := range workers {
		wg.Go(func() {
			for range n {
				out[w] = append(out[w], NewID())
			}
		})
	}
	wg.Wait()
	var all []string
	for _, ids := range out {
		if !slices.IsSorted(ids) {
			t.Error("one goroutine's ids are not in order")
		}
		all = append(all, ids...)
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != n*workers {
		t.Error("NewID made the same id twice")
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		name string
		id   string
		want bool
	}{
		{"v7", "0190a6b8-7f3c-7d2e-9a1b-2c3d4e5f6a7b", true},
		{"v4", "dbfb1861-0ecf-41ad-be94-a584e5c4f1df", true},
		{"nil uuid", "00000000-0000-0000-0000-000000000000", true},
		{"empty", "", false},
		{"upper case", "0190A6B8-7F3C-7D2E-9A1B-2C3D4E5F6A7B", false},
		{"no hyphens", "0190a6b87f3c7d2e9a1b2c3d4e5f6a7b", false},
		{"braces", "{0190a6b8-7f3c-7d2e-9a1b-2c3d4e5f6a7b}", false},
		{"urn", "urn:uuid:0190a6b8-7f3c-7d2e-9a1b-2c3d4e5f6a7b", false},
		{"hyphen misplaced", "0190a6b87-f3c-7d2e-9a1b-2c3d4e5f6a7b", false},
		{"not hex", "0190a6b8-7f3c-7d2e-9a1b-2c3d4e5f6a7g", false},
		{"too long", "0190a6b8-7f3c-7d2e-9a1b-2c3d4e5f6a7b0", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidID(tt.id); got != tt.want {
				t.Errorf("ValidID(%q) = %v, want %v", tt.id, got, tt.want)
			}
		})
	}
}

func repeat(v int64, n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

// formatState is the id a generator in the given state made last.
func formatState(ms int64, a uint16, b uint64) string {
	var u [16]byte
	hi := uint64(ms)<<16 | 0x7000 | uint64(a)
	lo := 1<<63 | b
	for i := range 8 {
		u[i] = byte(hi >> (56 - 8*i))
		u[8+i] = byte(lo >> (56 - 8*i))
	}
	return format(u)
}
