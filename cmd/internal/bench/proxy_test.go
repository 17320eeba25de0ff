package main

import (
	"context"
	"io"
	"net"
	"testing"
	"time"
)

// The proxy must hold a transfer to its rate and pass every byte.
func TestThrottleRate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	const size = 1 << 20
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Write(make([]byte, size))
	}()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const rate = 8 << 20 // bytes a second: 1 MiB takes 125 ms
	p, err := startThrottle(ctx, ln.Addr().String(), rate, 10*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	start := time.Now()
	c, err := net.Dial("tcp", p.ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	n, err := io.Copy(io.Discard, c)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if n != size || p.received.Load() != size {
		t.Errorf("got %d bytes, proxy counted %d; want %d", n, p.received.Load(), size)
	}
	want := 10*time.Millisecond + time.Duration(float64(size-linkBurst)/rate*float64(time.Second))
	if took < want*9/10 || took > want*3 {
		t.Errorf("1 MiB at 8 MiB/s took %v; want about %v", took, want)
	}
}
