package client

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"margin/app/library"
	msync "margin/app/sync"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"42", 42 * time.Second},
		{" 7 ", 7 * time.Second},
		{"-3", 0},
		{"Fri, 27 Nov 2026 10:01:30 GMT", 90 * time.Second},
		{"Fri, 27 Nov 2026 09:00:00 GMT", 0},
		{"soon", 0},
	} {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestErrorMatches(t *testing.T) {
	wrap := func(status int) error {
		return fmt.Errorf("get /x: %w", &Error{Status: status, Code: "c", Message: "m"})
	}
	for _, tc := range []struct {
		status int
		target error
		want   bool
	}{
		{404, library.ErrNotFound, true},
		{401, ErrSignedOut, true},
		{410, ErrResetRequired, true},
		{403, ErrSignedOut, false},
		{404, ErrSignedOut, false},
		{401, ErrUnreachable, false},
	} {
		if got := errors.Is(wrap(tc.status), tc.target); got != tc.want {
			t.Errorf("status %d matches %v: %v, want %v", tc.status, tc.target, got, tc.want)
		}
	}
	if e, ok := AsError(wrap(429)); !ok || e.Status != 429 {
		t.Errorf("AsError: %v %v", e, ok)
	}
}

func TestSyncTransportErrors(t *testing.T) {
	err := statusError(fmt.Errorf("post /api/sync/push: %w", &Error{Status: 503, Code: "busy", Message: "Busy.", RetryAfter: 3 * time.Second}))
	var se *msync.StatusError
	if !errors.As(err, &se) || se.Status != 503 || se.Code != "busy" || se.RetryAfter != 3*time.Second {
		t.Errorf("status error: %v", err)
	}
	// Not reaching the server is not a status.
	err = statusError(fmt.Errorf("post /api/sync/push: %w", ErrUnreachable))
	if errors.As(err, &se) || !errors.Is(err, ErrUnreachable) {
		t.Errorf("unreachable: %v", err)
	}
}
