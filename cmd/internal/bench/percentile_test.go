package main

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(100 - i) // 100, 99, …, 1: unsorted on purpose
	}
	for _, c := range []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		{"none", nil, 50, 0},
		{"one value", []float64{7}, 99, 7},
		{"one value, p0", []float64{7}, 0, 7},
		{"p50 of 1..100", hundred, 50, 50},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 of 1..100", hundred, 100, 100},
		{"p0 is the least", hundred, 0, 1},
		{"p99.9 rounds up to the greatest", hundred, 99.9, 100},
		{"p50 of four: the second", []float64{4, 1, 3, 2}, 50, 2},
		{"p51 of four: the third", []float64{4, 1, 3, 2}, 51, 3},
		{"p99 of ten: the greatest", []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 1000}, 99, 1000},
	} {
		if got := percentile(c.xs, c.p); got != c.want {
			t.Errorf("%s: percentile(%v, %v) = %v, want %v", c.name, c.xs, c.p, got, c.want)
		}
	}
	if hundred[0] != 100 {
		t.Errorf("percentile sorted its argument: first value now %v", hundred[0])
	}
}

func TestMillis(t *testing.T) {
	got := millis([]time.Duration{1500 * time.Microsecond, 2 * time.Second})
	if len(got) != 2 || got[0] != 1.5 || got[1] != 2000 {
		t.Errorf("millis = %v, want [1.5 2000]", got)
	}
}
