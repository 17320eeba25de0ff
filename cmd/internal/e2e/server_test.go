package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"margin/cmd/internal/apitest"
)

// inCI reports whether missing tools must fail the tests instead of
// skipping them.
func inCI() bool { return os.Getenv("CI") == "true" }

// need skips the test, or fails it under CI, when a tool is missing.
func need(t *testing.T, ok bool, what string) {
	t.Helper()
	if ok {
		return
	}
	if inCI() {
		t.Fatalf("%s is missing, and CI=true does not allow skipping", what)
	}
	t.Skipf("skipped: %s is missing (see README)", what)
}

// binary returns the path of the margin binary under test.
func binary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("MARGIN_BIN")
	ok := bin != ""
	if ok {
		_, err := os.Stat(bin)
		ok = err == nil
	}
	need(t, ok, "the margin binary (MARGIN_BIN; run the tests with make test)")
	return bin
}

// proc is a running margin server.
type proc struct {
	URL  string
	Data string
	cmd  *exec.Cmd
	log  *apitest.LogBuffer
	done chan error
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// start runs the binary with a fresh data folder (or data, when given) and
// waits until it answers /healthz. The server is stopped when the test ends.
func start(t *testing.T, data string, args ...string) *proc {
	t.Helper()
	bin := binary(t)
	if data == "" {
		data = t.TempDir()
	}
	addr := freeAddr(t)
	p := &proc{URL: "http://" + addr, Data: data, log: &apitest.LogBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", addr, "--data", data}, args...)...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", p.log.String())
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.done:
			t.Fatalf("server exited before answering: %v\n%s", err, p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer /healthz in time\n%s", p.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop sends SIGTERM and returns the exit error, failing the test if the
// server does not stop in time.
func (p *proc) stop(t *testing.T) error {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop within 20 s of SIGTERM")
		return nil
	}
}

// sampleID returns the id of the sample article.
func sampleID(t *testing.T, base string) string {
	t.Helper()
	return articleID(t, base, "Stoltenberg")
}

// articleID returns the id of the library's article whose title starts
// with prefix.
func articleID(t *testing.T, base, prefix string) string {
	t.Helper()
	resp, err := http.Get(base + "/api/articles")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Articles []struct {
			ID   string                 `json:"id"`
			Meta struct{ Title string } `json:"meta"`
		} `json:"articles"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	for _, a := range list.Articles {
		if strings.HasPrefix(a.Meta.Title, prefix) {
			return a.ID
		}
	}
	t.Fatalf("no article titled %q… in the library", prefix)
	return ""
}

// repoRoot is the repository's top folder (tests run in their package's).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestBinaryServesAndStopsGracefully(t *testing.T) {
	p := start(t, "")
	id := sampleID(t, p.URL)

	resp, err := http.Get(p.URL + "/a/" + id)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte("NATO Secretary-General Jens Stoltenberg has said")) {
		t.Fatalf("reader page: status %d", resp.StatusCode)
	}

	// The WASM goes out precompressed, as built.
	req, _ := http.NewRequest(http.MethodGet, p.URL+"/web/app.wasm", nil)
	req.Header.Set("Accept-Encoding", "br")
	resp, err = (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	wasm, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	built, err := os.ReadFile(filepath.Join(repoRoot(t), "web", "app.wasm.br"))
	if err != nil {
		t.Fatalf("the build left no web/app.wasm.br: %v", err)
	}
	if resp.Header.Get("Content-Encoding") != "br" || !bytes.Equal(wasm, built) {
		t.Errorf("app.wasm: Content-Encoding %q, %d bytes; want br, %d bytes", resp.Header.Get("Content-Encoding"), len(wasm), len(built))
	}

	// A download in flight when SIGTERM arrives still completes.
	req, _ = http.NewRequest(http.MethodGet, p.URL+"/web/app.wasm", nil)
	req.Header.Set("Accept-Encoding", "identity")
	resp, err = (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	rest, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	raw, _ := os.ReadFile(filepath.Join(repoRoot(t), "web", "app.wasm"))
	if err != nil || len(first)+len(rest) != len(raw) {
		t.Errorf("download in flight at shutdown: %d of %d bytes, %v", len(first)+len(rest), len(raw), err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.log.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	if !strings.Contains(p.log.String(), "shutting down") {
		t.Errorf("no shutdown in the log:\n%s", p.log.String())
	}
}

func TestBinaryRefusesBadFlags(t *testing.T) {
	bin := binary(t)
	for _, args := range [][]string{
		{"serve", "--addr", "not-an-address"},
		{"serve", "--nope"},
		{"frobnicate"},
		{"serve", "extra"},
		{"serve", "--signup", "maybe"},
		{"serve", "--db", "mysql://localhost/margin"},
		{"user", "add"},
		{"user", "frobnicate", "ada"},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, bin, append(args, "--data", t.TempDir())...).CombinedOutput()
		cancel()
		if err == nil {
			t.Errorf("margin %v succeeded:\n%s", args, out)
			continue
		}
		if len(bytes.TrimSpace(out)) == 0 {
			t.Errorf("margin %v failed without saying why", args)
		}
	}
}

func TestDataFolderArticles(t *testing.T) {
	data := t.TempDir()
	os.MkdirAll(filepath.Join(data, "articles"), 0o755)
	os.WriteFile(filepath.Join(data, "articles", "note.md"), []byte("# A note from the data folder\n\nIt has one paragraph.\n"), 0o644)
	os.WriteFile(filepath.Join(data, "articles", "broken.html"), bytes.Repeat([]byte("x"), 11<<20), 0o644)
	p := start(t, data)
	resp, err := http.Get(p.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"A note from the data folder", "Stoltenberg"} {
		if !bytes.Contains(body, []byte(want)) {
			t.Errorf("library lacks %q", want)
		}
	}
	if !strings.Contains(p.log.String(), "broken.html") {
		t.Errorf("the oversized file was not reported:\n%s", p.log.String())
	}
}
