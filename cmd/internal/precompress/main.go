// Command precompress writes brotli (.br) and gzip (.gz) copies of the
// files it is given, for the server to send to browsers that accept them.
// It runs at build time, so the best (slowest) settings cost nothing at
// request time. Beside them it writes NAME.sums, the SHA-256 and size of
// the file and of each copy, so the server need not read megabytes of
// WebAssembly at start-up only to name their versions.
//
//	go run ./cmd/internal/precompress web/app.wasm
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: precompress FILE...")
		os.Exit(2)
	}
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	var br bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	if err := write(bw, raw); err != nil {
		return fmt.Errorf("brotli %s: %w", name, err)
	}
	var gz bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	if err := write(gw, raw); err != nil {
		return fmt.Errorf("gzip %s: %w", name, err)
	}
	type output struct {
		suffix string
		data   []byte
	}
	outs := []output{{"", raw}, {".br", br.Bytes()}, {".gz", gz.Bytes()}}
	var sums strings.Builder
	for _, out := range outs {
		fmt.Fprintf(&sums, "%x %d %s\n", sha256.Sum256(out.data), len(out.data), filepath.Base(name)+out.suffix)
	}
	// The file itself stays as it is; its copies and the sums are written.
	for _, out := range append(outs[1:], output{".sums", []byte(sums.String())}) {
		// Write then rename, so a server never embeds half a file.
		tmp := name + out.suffix + ".tmp"
		if err := os.WriteFile(tmp, out.data, 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, name+out.suffix); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d bytes, brotli %d, gzip %d\n", name, len(raw), br.Len(), gz.Len())
	return nil
}

func write(w io.WriteCloser, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	return w.Close()
}
