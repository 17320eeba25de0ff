package main

import (
	"fmt"
	"slices"
)

// stats summarises repeated measurements, in milliseconds.
type stats struct {
	n                int
	median, min, max float64
}

func summarize(xs []float64) stats {
	if len(xs) == 0 {
		return stats{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	mid := len(s) / 2
	med := s[mid]
	if len(s)%2 == 0 {
		med = (s[mid-1] + s[mid]) / 2
	}
	return stats{n: len(s), median: med, min: s[0], max: s[len(s)-1]}
}

// spread formats the minimum and maximum.
func (s stats) spread() string {
	return fmt.Sprintf("%.1f–%.1f", s.min, s.max)
}
