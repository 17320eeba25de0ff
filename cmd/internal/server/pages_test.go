package server

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestFixHead(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{
			"go-quoted quote and backslash",
			`<head><meta name="description" content="He said \"hi\" \\ bye"></head><body><p class="x">a\"b</p></body>`,
			`<head><meta name="description" content="He said &#34;hi&#34; \ bye"></head><body><p class="x">a\"b</p></body>`,
		},
		{
			"markup characters",
			`<head><meta property="og:title" content="<b> & co"></head>`,
			`<head><meta property="og:title" content="&lt;b&gt; &amp; co"></head>`,
		},
		{
			"host-less preview URLs",
			`<head><meta property="og:url" content="https:///a/x"><meta property="og:image" content="https://"><link rel="canonical" href="https://example.com/x"></head>`,
			`<head><meta property="og:url" content="http://h:1/a/x"><meta property="og:image" content="http://h:1/"><link rel="canonical" href="https://example.com/x"></head>`,
		},
		{
			"og type",
			`<head><meta property="og:type" content="website"></head>`,
			`<head><meta property="og:type" content="article"></head>`,
		},
		{"no head", `<p>x</p>`, `<p>x</p>`},
		{"unterminated head", `<head><meta content="\"">`, `<head><meta content="\"">`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(fixHead([]byte(tc.in), "http://h:1", "article", nil)); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestPageMethodsAndHostilePaths(t *testing.T) {
	ts := newTestServer(t, true)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req, _ := http.NewRequest(method, ts.URL+"/a/"+seedID, strings.NewReader("x"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s page: status %d, want 405", method, resp.StatusCode)
		}
	}
	resp, err := http.Head(ts.URL + "/a/" + seedID)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("HEAD page: %v %v", resp, err)
	}
	for _, path := range []string{
		"/a/%00", "/%2e%2e/%2e%2e/etc/passwd", "/a/" + strings.Repeat("a", 5000),
		`/"><script>alert(1)</script>`, "/a/x%22onmouseover%3D%22alert(1)",
	} {
		resp, body := get(t, ts.URL+path)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%.40s: status %d, want 404", path, resp.StatusCode)
		}
		if bytes.Contains(body, []byte("<script>alert")) || bytes.Contains(body, []byte(`"onmouseover`)) {
			t.Errorf("%.40s: the path reached the page unescaped", path)
		}
	}
}

func TestPreferencesOnRoot(t *testing.T) {
	ts := newTestServer(t, true)
	for _, tc := range []struct {
		cookie, want string
	}{
		{"theme=dark&font=serif&size=4", `<html data-theme="dark" data-font="serif" data-size="4" lang=`},
		{"theme=light", `<html data-theme="light" lang=`},
		{`theme="><script>&size=99&font=comic`, `<html lang=`},
		{"%%%", `<html lang=`},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/a/"+seedID, nil)
		req.AddCookie(&http.Cookie{Name: "margin-prefs", Value: tc.cookie, Quoted: false})
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		resp.Body.Close()
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("cookie %q: page starts %.80q, want %q", tc.cookie, b.String()[:80], tc.want)
		}
	}
}

func TestAppJSStartsAfterFirstPaint(t *testing.T) {
	ts := newTestServer(t, true)
	resp, body := get(t, ts.URL+"/app.js")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "javascript") {
		t.Fatalf("app.js: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// go-app's own lines must have been found and replaced; if an upgrade
	// changes them, this test says so.
	if !bytes.Contains(body, appJSWasmLater) || !bytes.Contains(body, appJSStartLater) ||
		bytes.Contains(body, appJSWasm) || bytes.Contains(body, appJSStart) {
		t.Error("app.js still starts the WASM and the service worker before the first paint")
	}
	if !bytes.Contains(body, []byte(`instantiateStreaming(
      fetch("/web/app.wasm"),`)) || bytes.Contains(body, []byte(`fetchWithProgress("`)) {
		t.Error("app.js still pipes app.wasm through its progress stream")
	}
	if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %s for %d bytes", got, len(body))
	}
}
