package serverproc

import (
	"context"
	"database/sql"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"margin/cmd/internal/apitest"
	"margin/cmd/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// binary returns the path of the margin binary under test, or skips
// (fails under CI=true) without one.
func binary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("MARGIN_BIN")
	if bin != "" {
		if _, err := os.Stat(bin); err == nil {
			return bin
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("MARGIN_BIN names no margin binary, and CI=true does not allow skipping")
	}
	t.Skip("skipped: MARGIN_BIN names no margin binary (run the tests with make test)")
	return ""
}

// proc is a running margin server.
type proc struct {
	URL  string
	cmd  *exec.Cmd
	log  *apitest.LogBuffer
	done chan struct{} // closed when the process has exited
	err  error         // how it exited, once done is closed
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

// start runs "margin serve" on data with the extra arguments and
// environment ("NAME=value") and waits until it answers /healthz. It is
// killed when the test ends if it still runs.
func start(t *testing.T, data string, env []string, args ...string) *proc {
	t.Helper()
	return launch(t, "http", &http.Client{Timeout: 2 * time.Second}, data, env, args...)
}

// launch is start for a server reached at scheme with hc.
func launch(t *testing.T, scheme string, hc *http.Client, data string, env []string, args ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	p := &proc{URL: scheme + "://" + addr, log: &apitest.LogBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(binary(t), append([]string{"serve", "--addr", addr, "--data", data}, args...)...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("server log:\n%s", p.log.String())
		}
	})
	for deadline := time.Now().Add(20 * time.Second); ; {
		resp, err := hc.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("server exited before answering: %v\n%s", p.err, p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not answer /healthz in 20 s\n%s", p.log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// kill sends SIGKILL, if the process still runs, and waits for it.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// stop sends SIGTERM and waits at most d for the process to exit; it
// reports how long it took, or fails the test.
func (p *proc) stop(t *testing.T, d time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("exit after SIGTERM: %v", p.err)
		}
		return time.Since(start)
	case <-time.After(d):
		t.Fatalf("the server did not exit within %v of SIGTERM", d)
		return 0
	}
}

// waitLog waits until the server's log holds s, at most d.
func (p *proc) waitLog(s string, d time.Duration) bool {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if strings.Contains(p.log.String(), s) {
			return true
		}
	}
	return false
}

// sqliteCheck opens the SQLite file at path (no server may have it open)
// and returns PRAGMA integrity_check's answer and, for the objects,
// COUNT(*) and COUNT(DISTINCT id).
func sqliteCheck(t *testing.T, path string) (integrity string, count, distinct int) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT id) FROM objects").Scan(&count, &distinct); err != nil {
		t.Fatal(err)
	}
	return integrity, count, distinct
}
