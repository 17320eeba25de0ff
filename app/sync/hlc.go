package sync

import (
	"math"
	gosync "sync"
	"time"
)

// HLC is a hybrid logical clock value: Unix milliseconds shifted left by
// 16 bits, plus a counter that orders events within one millisecond.
type HLC int64

// counterBits is how many low bits of an HLC count events within a
// millisecond.
const counterBits = 16

// MaxSkew is how far ahead of the server's clock an edit may claim to be.
// A later clock is clamped to it, so a device whose clock runs a year
// ahead cannot win every conflict for a year.
const MaxSkew = 10 * time.Minute

// At returns the first HLC of the millisecond t falls in.
func At(t time.Time) HLC { return HLC(t.UnixMilli() << counterBits) }

// Millis returns the wall-clock part of h, in Unix milliseconds.
func (h HLC) Millis() int64 { return int64(h) >> counterBits }

// Time returns the wall-clock part of h.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()) }

// Clamp returns h, or the greatest HLC within MaxSkew of serverNow when h
// is later than that; clamped says which.
func Clamp(h HLC, serverNow time.Time) (out HLC, clamped bool) {
	limit := HLC((serverNow.Add(MaxSkew).UnixMilli() << counterBits) | (1<<counterBits - 1))
	if h > limit {
		return limit, true
	}
	return h, false
}

// Clock makes HLC values for one client. It follows the server's clock:
// Learn takes the server's time from each answer, so a device whose own
// clock is wrong still stamps its edits sensibly. It is safe for
// concurrent use.
type Clock struct {
	mu     gosync.Mutex
	last   HLC
	offset time.Duration // server time minus local time
	now    func() time.Time
}

// NewClock returns a clock that reads the time from now (time.Now if nil)
// and never goes back before last.
func NewClock(now func() time.Time, last HLC) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{now: now, last: last}
}

// Now returns a new HLC, greater than every one this clock returned or
// observed before.
func (c *Clock) Now() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	h := At(c.now().Add(c.offset))
	if h <= c.last {
		h = c.last + 1
	}
	c.last = h
	return h
}

// Observe moves the clock past h, a value seen from another client.
func (c *Clock) Observe(h HLC) {
	c.mu.Lock()
	if h > c.last {
		c.last = h
	}
	c.mu.Unlock()
}

// Last returns the greatest HLC the clock has returned or observed.
func (c *Clock) Last() HLC {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// Learn sets the clock's offset from the server's time, serverMs, read
// from an answer that took rtt to arrive. It also brings the clock back
// within MaxSkew of the server's time if it ran further ahead (a device
// whose clock was wrong before it first heard from the server): the
// server clamps such values anyway, and without this every later value
// would follow the wrong one and be clamped too.
func (c *Clock) Learn(serverMs int64, rtt time.Duration) {
	if serverMs <= 0 {
		return
	}
	local := c.now().Add(-rtt / 2)
	server := time.UnixMilli(serverMs)
	limit, _ := Clamp(HLC(math.MaxInt64), server)
	c.mu.Lock()
	c.offset = server.Sub(local)
	if c.last > limit {
		c.last = limit
	}
	c.mu.Unlock()
}

// Offset returns how far the server's clock is ahead of the local one.
func (c *Clock) Offset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}
