package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// server is a process the bench started, listening on loopback.
type server struct {
	name string
	url  string // http://127.0.0.1:PORT
	log  string // its output
	cmd  *exec.Cmd
	done chan struct{}
	err  error // set when done closes
}

// startServer runs bin with args (where "ADDR" stands for a free loopback
// address) and waits until GET readyPath answers 200. The process ends
// with ctx, or with stop.
func (b *bench) startServer(ctx context.Context, name, bin string, args []string, readyPath string) (*server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	args = append([]string(nil), args...)
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "ADDR", addr)
	}
	logDir := filepath.Join(b.work, "logs")
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		return nil, err
	}
	s := &server{name: name, url: "http://" + addr, log: filepath.Join(logDir, name+".log"), done: make(chan struct{})}
	logf, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	s.cmd = exec.CommandContext(ctx, bin, args...)
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	// A polite stop first, so the server shuts down as it would in
	// production; WaitDelay kills it if it does not.
	s.cmd.Cancel = func() error { return s.cmd.Process.Signal(syscall.SIGTERM) }
	s.cmd.WaitDelay = 5 * time.Second
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("%s: start %s: %w", name, bin, err)
	}
	go func() {
		s.err = s.cmd.Wait()
		logf.Close()
		close(s.done)
	}()
	if err := s.waitReady(ctx, readyPath); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) waitReady(ctx context.Context, path string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+path, nil)
		if err != nil {
			return err
		}
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET %s: %s", path, res.Status)
		}
		select {
		case <-s.done:
			return fmt.Errorf("%s exited before it answered (%v); its log:\n%s", s.name, s.err, indent(tail(s.log, 20)))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer in 30s: %v; its log:\n%s", s.name, err, indent(tail(s.log, 20)))
		}
	}
}

// stop ends the server and waits for it.
func (s *server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
	}
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// freeAddr returns a loopback address no one listens on right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	addr := ln.Addr().String()
	return addr, ln.Close()
}

// startMargin serves the Margin under test with a data folder of its own.
func (b *bench) startMargin(ctx context.Context, name, data string, extra ...string) (*server, error) {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, fmt.Errorf("%s: data folder: %w", name, err)
	}
	args := append([]string{"serve", "--addr", "ADDR", "--data", data}, extra...)
	return b.startServer(ctx, name, b.marginBin, args, "/healthz")
}

// startFloor serves the floor's build.
func (b *bench) startFloor(ctx context.Context, name string, extra ...string) (*server, error) {
	if b.floor == nil {
		return nil, errors.New("the floor did not build")
	}
	args := append([]string{"--addr", "ADDR", "--web", b.floor.web}, extra...)
	return b.startServer(ctx, name, b.floor.server, args, "/")
}

// freshDir makes an empty folder under .bench for one use.
func (b *bench) freshDir(name string) (string, error) {
	dir := filepath.Join(b.work, name)
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	return dir, os.MkdirAll(dir, 0o755)
}

// articleSummary is an entry of GET /api/articles.
type articleSummary struct {
	ID   string `json:"id"`
	Meta struct {
		Title string `json:"title"`
		Words int    `json:"words"`
		Hash  string `json:"hash"`
	} `json:"meta"`
}

// findArticle returns the library's article whose title starts with prefix.
func findArticle(ctx context.Context, base, prefix string) (articleSummary, error) {
	var list struct {
		Articles []articleSummary `json:"articles"`
	}
	body, err := get(ctx, base+"/api/articles", nil)
	if err != nil {
		return articleSummary{}, err
	}
	if err := json.Unmarshal(body, &list); err != nil {
		return articleSummary{}, fmt.Errorf("GET /api/articles: %w", err)
	}
	var titles []string
	for _, a := range list.Articles {
		if strings.HasPrefix(a.Meta.Title, prefix) {
			return a, nil
		}
		titles = append(titles, fmt.Sprintf("%q", a.Meta.Title))
	}
	return articleSummary{}, fmt.Errorf("no article titled %q… in the library (have %s)", prefix, strings.Join(titles, ", "))
}

// get fetches url and returns the body, which must come with 200.
func get(ctx context.Context, url string, header http.Header) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, res.Status)
	}
	return body, nil
}

// warm fetches each path once, as a browser would, so the first measured
// run does not pay for the server's first requests.
func warm(ctx context.Context, base string, paths ...string) error {
	h := http.Header{"Accept-Encoding": {"gzip, deflate, br"}}
	for _, p := range paths {
		if _, err := get(ctx, base+p, h); err != nil {
			return fmt.Errorf("warm up: %w", err)
		}
	}
	return nil
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(raw), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
