// Package static serves the files under /web/, with precompressed brotli
// and gzip copies chosen by Accept-Encoding when the build made them.
package static

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// encodings are the precompressed variants, best first: the file name
// suffix and the Content-Encoding it stands for.
var encodings = []struct{ suffix, name string }{
	{".br", "br"},
	{".gz", "gzip"},
}

// WasmLengthHeader carries app.wasm's uncompressed size, so the loader's
// progress can count against it while the bytes arrive compressed.
const WasmLengthHeader = "X-Wasm-Content-Length"

// Handler serves a file system's files under /web/. It implements go-app's
// ResourceResolver, so go-app hands it every /web/ request too.
type Handler struct {
	fsys          fs.FS
	precompressed bool
	files         map[string]*file // by name in fsys
	version       string
}

// file is one servable file and its variants.
type file struct {
	ctype    string
	size     int64
	etag     string
	variants map[string]variant // by Content-Encoding
}

type variant struct {
	name string // in fsys
	etag string
}

// New indexes fsys. With precompressed false, the compressed copies are
// ignored and every file goes out as it is, as go-app's stock handler does.
func New(fsys fs.FS, precompressed bool) (*Handler, error) {
	h := &Handler{fsys: fsys, precompressed: precompressed, files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !servable(name) {
			return err
		}
		for _, enc := range encodings {
			if strings.HasSuffix(name, enc.suffix) {
				return nil // indexed with its original below
			}
		}
		f, err := h.index(name)
		if err != nil {
			return err
		}
		h.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static: index files: %w", err)
	}
	h.version = h.fingerprint()
	return h, nil
}

// servable reports whether a file in the folder is meant for browsers:
// the folder also holds the Go source that embeds it.
func servable(name string) bool {
	base := path.Base(name)
	return !strings.HasPrefix(base, ".") && !strings.HasSuffix(base, ".go") && !strings.HasSuffix(base, ".sums")
}

func (h *Handler) index(name string) (*file, error) {
	known := readSums(h.fsys, name)
	hexSum, size, err := h.hash(name, known)
	if err != nil {
		return nil, err
	}
	f := &file{ctype: contentType(name), size: size, etag: `"` + hexSum[:20] + `"`, variants: map[string]variant{}}
	for _, enc := range encodings {
		vsum, _, err := h.hash(name+enc.suffix, known)
		if err != nil {
			continue // no such copy
		}
		f.variants[enc.name] = variant{name: name + enc.suffix, etag: `"` + vsum[:20] + "-" + enc.name + `"`}
	}
	return f, nil
}

// sum is a file's SHA-256 and size as the build recorded them.
type sum struct {
	hex  string
	size int64
}

// readSums reads the sums the build wrote for name and its compressed
// copies (NAME.sums: "hex size base" lines); none when there is no such
// file.
func readSums(fsys fs.FS, name string) map[string]sum {
	b, err := fs.ReadFile(fsys, name+".sums")
	if err != nil {
		return nil
	}
	out := map[string]sum{}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) != 3 || len(f[0]) != 64 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			continue
		}
		out[path.Join(path.Dir(name), f[2])] = sum{hex: f[0], size: n}
	}
	return out
}

// hash returns the SHA-256 and size of a file: from the build's sums when
// they are there and the size still matches (the file was not rebuilt
// since), else by reading it.
func (h *Handler) hash(name string, known map[string]sum) (string, int64, error) {
	if s, ok := known[name]; ok {
		if info, err := fs.Stat(h.fsys, name); err == nil && info.Size() == s.size {
			return s.hex, s.size, nil
		}
	}
	return hashFile(h.fsys, name)
}

func hashFile(fsys fs.FS, name string) (string, int64, error) {
	r, err := fsys.Open(name)
	if err != nil {
		return "", 0, err
	}
	defer r.Close()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err != nil {
		return "", 0, fmt.Errorf("read %s: %w", name, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".wasm":
		return "application/wasm"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".webmanifest":
		return "application/manifest+json"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// fingerprint sums every file's content: it changes exactly when a build
// changes what is served.
func (h *Handler) fingerprint() string {
	names := make([]string, 0, len(h.files))
	for n := range h.files {
		names = append(names, n)
	}
	sort.Strings(names)
	digest := sha256.New()
	for _, n := range names {
		fmt.Fprintf(digest, "%s %s\n", n, h.files[n].etag)
	}
	return hex.EncodeToString(digest.Sum(nil))[:16]
}

// Version identifies the served files; it changes with every build that
// changes them.
func (h *Handler) Version() string { return h.version }

// Has reports whether the file at the /web/ path p exists.
func (h *Handler) Has(p string) bool {
	_, ok := h.files[strings.TrimPrefix(p, "/web/")]
	return ok
}

// Resolve maps a /web/ location to the URL it is served at, which is the
// same path: the files live on this server.
func (h *Handler) Resolve(location string) string {
	if location == "" {
		return "/"
	}
	return location
}

// ServeHTTP serves the file at r.URL.Path, which starts with /web/.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/web/")
	f, ok := h.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", f.ctype)
	hdr.Set("Cache-Control", "no-cache")
	if path.Ext(name) == ".wasm" {
		hdr.Set(WasmLengthHeader, strconv.FormatInt(f.size, 10))
	}
	serve, etag := name, f.etag
	if h.precompressed && len(f.variants) > 0 {
		hdr.Add("Vary", "Accept-Encoding")
		accepted := acceptedEncodings(r.Header.Get("Accept-Encoding"))
		for _, enc := range encodings {
			if v, ok := f.variants[enc.name]; ok && accepted[enc.name] {
				serve, etag = v.name, v.etag
				hdr.Set("Content-Encoding", enc.name)
				break
			}
		}
	}
	hdr.Set("ETag", etag)
	content, err := h.fsys.Open(serve)
	if err != nil {
		http.Error(w, "file unavailable", http.StatusInternalServerError)
		return
	}
	defer content.Close()
	rs, ok := content.(io.ReadSeeker)
	if !ok {
		http.Error(w, "file unavailable", http.StatusInternalServerError)
		return
	}
	// Embedded files have no modification time; the ETag does the work.
	http.ServeContent(w, r, "", time.Time{}, rs)
}

// Accepts reports whether an Accept-Encoding header takes the encoding
// name ("gzip", "br"), honouring q=0 and *.
func Accepts(header, name string) bool {
	return acceptedEncodings(header)[name]
}

// acceptedEncodings reads an Accept-Encoding header, honouring q=0.
func acceptedEncodings(header string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		if name == "*" {
			for _, enc := range encodings {
				if _, set := out[enc.name]; !set {
					out[enc.name] = q > 0
				}
			}
			continue
		}
		out[name] = q > 0
	}
	return out
}
