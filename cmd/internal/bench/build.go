package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// floorBuild is where the floor's build went.
type floorBuild struct {
	dir    string // .bench/floor
	web    string // what the floor serves under /web/
	server string // the floor's server binary
}

// Margin's Makefile builds app.wasm with these flags; the floor gets the same.
var releaseFlags = []string{"-trimpath", "-ldflags=-s -w"}

var wasmEnv = []string{"GOOS=js", "GOARCH=wasm"}

// buildFloor builds ./cmd/internal/bench/floor the way the Makefile builds
// Margin: the WASM with the release flags, its brotli and gzip copies by
// ./cmd/internal/precompress, and the server.
func (b *bench) buildFloor(ctx context.Context) (*floorBuild, error) {
	fb := &floorBuild{dir: filepath.Join(b.work, "floor")}
	fb.web = filepath.Join(fb.dir, "web")
	fb.server = filepath.Join(fb.dir, "floor")
	// A clean folder, so no file of an earlier run is measured.
	if err := os.RemoveAll(fb.dir); err != nil {
		return nil, fmt.Errorf("clean %s: %w", fb.dir, err)
	}
	if err := os.MkdirAll(fb.web, 0o755); err != nil {
		return nil, err
	}
	src := "./cmd/internal/bench/floor"
	wasm := filepath.Join(fb.web, "app.wasm")
	if err := b.goRun(ctx, wasmEnv, append(append([]string{"build"}, releaseFlags...), "-o", wasm, src)...); err != nil {
		return nil, fmt.Errorf("floor wasm: %w", err)
	}
	if err := b.goRun(ctx, nil, "run", "./cmd/internal/precompress", wasm); err != nil {
		return nil, fmt.Errorf("floor precompress: %w", err)
	}
	if err := b.goRun(ctx, nil, append(append([]string{"build"}, releaseFlags...), "-o", fb.server, src)...); err != nil {
		return nil, fmt.Errorf("floor server: %w", err)
	}
	// The floor's own icons, so its pages never reach for go-app's on GitHub.
	icons, err := filepath.Glob(filepath.Join(b.root, "cmd", "internal", "bench", "floor", "web", "*"))
	if err != nil {
		return nil, err
	}
	for _, icon := range icons {
		if err := copyFile(icon, filepath.Join(fb.web, filepath.Base(icon))); err != nil {
			return nil, fmt.Errorf("floor icons: %w", err)
		}
	}
	return fb, nil
}

// goRun runs the go command in the repository; its output only shows when
// it fails.
func (b *bench) goRun(ctx context.Context, env []string, args ...string) error {
	_, err := b.goOutput(ctx, env, args...)
	return err
}

// goOutput runs the go command in the repository and returns its standard
// output; a failure's error carries everything it printed.
func (b *bench) goOutput(ctx context.Context, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, b.goCmd, args...)
	cmd.Dir = b.root
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	b.step("%sgo %s", strings.Join(append(env[:len(env):len(env)], ""), " "), strings.Join(args, " "))
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, indent(stderr.String()+stdout.String()))
	}
	return stdout.String(), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", from, err)
	}
	return out.Close()
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
