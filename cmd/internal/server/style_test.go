package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"margin/web"
)

func TestMinifyCSS(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"comments and runs of space", "/* head */\na  {\n  color : red ;\n}\n", "a{color :red;}"},
		{"descendant pseudo-class keeps its space", ".a :hover { x: y }", ".a :hover{x:y}"},
		{"calc keeps its spaces", "a { width: calc(100% - 2rem + 1px) }", "a{width:calc(100% - 2rem + 1px)}"},
		{"media query keeps the space before (", "@media screen and (max-width: 600px) { a { b: c } }", "@media screen and (max-width:600px){a{b:c}}"},
		{"lists and combinators", "a , b > c ~ d + e { f: 1px  2px }", "a,b>c ~ d + e{f:1px 2px}"},
		{"strings kept as they are", `a::after { content: "  /* not a comment */  " }`, `a::after{content:"  /* not a comment */  "}`},
		{"escaped quotes in strings", `a { content: 'it\'s  "x"' ; }`, `a{content:'it\'s  "x"';}`},
		{"unterminated comment", "a { b: c } /* open", "a{b:c}"},
		{"unterminated string", `a { content: "open`, `a{content:"open`},
		{"comment between tokens", "a/**/b{}", "a b{}"},
		{"empty", "", ""},
		{"only space", " \n\t ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(minifyCSS([]byte(tc.in))); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

// The real stylesheet loses nothing but comments and white space, and
// minifying it again changes nothing.
func TestMinifyKeepsTheStylesheet(t *testing.T) {
	src, err := web.FS.ReadFile(stylesheetFile)
	if err != nil {
		t.Fatal(err)
	}
	small := minifyCSS(src)
	if len(small) >= len(src)*9/10 {
		t.Errorf("minified %d bytes of %d: less than a tenth saved", len(small), len(src))
	}
	noComments := regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAll(src, []byte(" "))
	if got, want := dropSpace(small), dropSpace(noComments); !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("minifying changed more than white space near %q", want[max(0, i-40):min(len(want), i+40)])
	}
	if again := minifyCSS(small); !bytes.Equal(again, small) {
		t.Error("minifying the minified stylesheet changed it")
	}
}

func dropSpace(b []byte) []byte {
	return bytes.Map(func(r rune) rune {
		if strings.ContainsRune(" \t\n\r\f", r) {
			return -1
		}
		return r
	}, b)
}

func TestStylesheetThatWouldEndTheStyleElement(t *testing.T) {
	for _, css := range []string{`a::after { content: "</style><script>x()</script>" }`, `a{}</STYLE >`} {
		fsys := webFS()
		fsys[stylesheetFile] = &fstest.MapFile{Data: []byte(css)}
		if _, err := New(Config{Articles: lib, Web: fsys}); err == nil || !strings.Contains(err.Error(), "</style") {
			t.Errorf("%q: err %v, want a refusal naming </style", css, err)
		}
	}
	fsys := webFS()
	delete(fsys, stylesheetFile)
	if _, err := New(Config{Articles: lib, Web: fsys}); err == nil || !strings.Contains(err.Error(), "stylesheet") {
		t.Errorf("no stylesheet: err %v", err)
	}
}

// Every page carries the stylesheet inline, and the policy allows that
// style by its hash and nothing else inline.
func TestPagesCarryTheStylesheet(t *testing.T) {
	fsys := webFS()
	fsys[stylesheetFile] = &fstest.MapFile{Data: []byte("/* c */ body { color: red; }\na :hover { b: c }")}
	s, err := New(Config{Articles: lib, Web: fsys})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	for _, path := range []string{"/", "/a/" + seedID, "/highlights", "/account", "/nowhere"} {
		resp, body := get(t, ts.URL+path)
		styles := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindAllSubmatch(body, -1)
		if len(styles) != 1 {
			t.Fatalf("%s: %d <style> elements, want 1", path, len(styles))
		}
		css := styles[0][1]
		if string(css) != "body{color:red;}a :hover{b:c}" {
			t.Errorf("%s: inline style %q", path, css)
		}
		if head, _, _ := bytes.Cut(body, []byte("</head>")); !bytes.Contains(head, css) {
			t.Errorf("%s: the style is not in <head>", path)
		}
		if bytes.Contains(body, []byte(`rel="stylesheet"`)) {
			t.Errorf("%s: still links a stylesheet", path)
		}
		sum := sha256.Sum256(css)
		want := "style-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, want) {
			t.Errorf("%s: CSP %q lacks %q", path, csp, want)
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows any inline style: %q", path, csp)
		}
	}
}

func TestPagesCompressed(t *testing.T) {
	ts := newTestServer(t, true)
	page := ts.URL + "/a/" + seedID
	_, plain := get(t, page)
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip, deflate, br, zstd", true},
		{"gzip", true},
		{"GZIP;q=0.5", true},
		{"*", true},
		{"", false},
		{"br", false},
		{"gzip;q=0", false},
		{"*;q=0", false},
		{"gzip;q=abc, ;;;, =, " + strings.Repeat("x,", 2000), true},
		{"üñí;q=ẞ, gz ip", false},
	} {
		resp, body := get(t, page, "Accept-Encoding", tc.accept)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%.40q: status %d", tc.accept, resp.StatusCode)
		}
		if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%.40q: Vary %q", tc.accept, resp.Header.Get("Vary"))
		}
		enc := resp.Header.Get("Content-Encoding")
		if tc.gzip != (enc == "gzip") {
			t.Errorf("%.40q: Content-Encoding %q, want gzip %v", tc.accept, enc, tc.gzip)
			continue
		}
		if resp.ContentLength != int64(len(body)) {
			t.Errorf("%.40q: Content-Length %d for %d bytes", tc.accept, resp.ContentLength, len(body))
		}
		if !tc.gzip {
			samePage(t, tc.accept, body, plain)
			continue
		}
		if len(body) > len(plain)/2 {
			t.Errorf("%.40q: %d bytes compressed from %d", tc.accept, len(body), len(plain))
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%.40q: %v", tc.accept, err)
		}
		unz, err := io.ReadAll(zr)
		if err != nil {
			t.Fatalf("%.40q: %v", tc.accept, err)
		}
		samePage(t, tc.accept, unz, plain)
	}
	// A missing page is compressed as well, and keeps its status.
	resp, body := get(t, ts.URL+"/nowhere", "Accept-Encoding", "gzip")
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("404 page: status %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	} else if zr, err := gzip.NewReader(bytes.NewReader(body)); err != nil {
		t.Error(err)
	} else if b, _ := io.ReadAll(zr); !bytes.Contains(b, []byte("There is no page at this address.")) {
		t.Error("404 page body lost in compression")
	}
	// HEAD says what GET would send, and sends nothing.
	req, _ := http.NewRequest(http.MethodHead, page, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	hresp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := io.ReadAll(hresp.Body)
	hresp.Body.Close()
	if hresp.Header.Get("Content-Encoding") != "gzip" || len(hb) != 0 {
		t.Errorf("HEAD: Content-Encoding %q, %d body bytes", hresp.Header.Get("Content-Encoding"), len(hb))
	}
}

// samePage reports whether two answers for one page are the same page:
// go-app writes a tag's attributes in any order, so the bytes may differ.
func samePage(t *testing.T, what string, got, want []byte) {
	t.Helper()
	gm, gt, ga := parsePage(t, got)
	wm, wt, wa := parsePage(t, want)
	if len(got) != len(want) || gt != wt || ga != wa || !maps.Equal(gm, wm) {
		t.Errorf("%.40q: the page differs from the plain one (%d bytes, want %d)", what, len(got), len(want))
	}
}
