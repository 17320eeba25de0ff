package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Chromium's network emulation does not reliably slow 127.0.0.1, so the
// slow link is a TCP proxy on loopback between the browser and the server.

// link is the slow network the throttled part emulates.
const (
	linkBytesPerSecond = 10e6 / 8 // 10 Mbit/s, in each direction
	linkConnectDelay   = 20 * time.Millisecond
	// The bucket holds at most this much, so bursts stay short; it is also
	// the most the proxy reads at once.
	linkBurst = 16 << 10
)

// throttle forwards TCP connections to a target through one token bucket
// per direction, shared by all connections as on a real link.
type throttle struct {
	ln       net.Listener
	target   string
	delay    time.Duration
	up, down *bucket
	// received counts bytes sent towards the browser.
	received atomic.Int64

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

// startThrottle listens on a free loopback port and forwards to target.
func startThrottle(ctx context.Context, target string, bytesPerSecond float64, delay time.Duration) (*throttle, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("throttling proxy: %w", err)
	}
	p := &throttle{
		ln:     ln,
		target: target,
		delay:  delay,
		up:     newBucket(bytesPerSecond, linkBurst),
		down:   newBucket(bytesPerSecond, linkBurst),
		conns:  map[net.Conn]struct{}{},
	}
	p.ctx, p.cancel = context.WithCancel(ctx)
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// url is the proxy's address as a browser would use it.
func (p *throttle) url() string { return "http://" + p.ln.Addr().String() }

// close stops the proxy, cuts every connection and waits for its goroutines.
func (p *throttle) close() {
	p.cancel()
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *throttle) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.forward(c)
		}()
	}
}

// track adds c to the connections close cuts; false means the proxy is closing.
func (p *throttle) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ctx.Err() != nil {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *throttle) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *throttle) forward(client net.Conn) {
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)
	// The link's latency, paid once per connection.
	select {
	case <-time.After(p.delay):
	case <-p.ctx.Done():
		return
	}
	var d net.Dialer
	server, err := d.DialContext(p.ctx, "tcp", p.target)
	if err != nil {
		return
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer p.untrack(server)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		p.pipe(server, client, p.up, nil)
	}()
	go func() {
		defer wg.Done()
		p.pipe(client, server, p.down, &p.received)
	}()
	wg.Wait()
}

// pipe copies src to dst at the bucket's pace, then passes the end of the
// stream on, so either side can finish its half first.
func (p *throttle) pipe(dst, src net.Conn, b *bucket, count *atomic.Int64) {
	buf := make([]byte, linkBurst)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if b.take(p.ctx, n) != nil {
				return
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
			if count != nil {
				count.Add(int64(n))
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				if tc, ok := dst.(*net.TCPConn); ok {
					tc.CloseWrite()
				}
			} else {
				dst.Close()
			}
			return
		}
	}
}

// bucket is a token bucket: it refills at rate bytes a second up to burst.
// take may drive it below zero; the caller then sleeps off the debt, so
// concurrent takers are served in turn and the rate holds overall.
type bucket struct {
	mu     sync.Mutex
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// take waits until n bytes may pass.
func (b *bucket) take(ctx context.Context, n int) error {
	b.mu.Lock()
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	b.tokens -= float64(n)
	var wait time.Duration
	if b.tokens < 0 {
		wait = time.Duration(-b.tokens / b.rate * float64(time.Second))
	}
	b.mu.Unlock()
	if wait <= 0 {
		return nil
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
