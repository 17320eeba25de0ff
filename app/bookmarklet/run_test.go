//go:build !(js && wasm)

package bookmarklet

import (
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// seen is what testdata/run.js reports of one run.
type seen struct {
	Fetches []struct {
		URL  string `json:"url"`
		Opts struct {
			Method      string            `json:"method"`
			Mode        string            `json:"mode"`
			Credentials string            `json:"credentials"`
			Headers     map[string]string `json:"headers"`
			Body        string            `json:"body"`
		} `json:"opts"`
	} `json:"fetches"`
	Opened   [][]string `json:"opened"`
	Timeouts []int      `json:"timeouts"`
	Shown    bool       `json:"shown"`
	Text     string     `json:"text"`
	Link     *struct {
		Text, Href, Target, Rel string
	} `json:"link"`
	Removable bool `json:"removable"`
}

// run runs the bookmarklet in Node against stubs of a page, fetch
// answering with answer (JSON: {"status", "body"} or {"reject": true}).
func run(t *testing.T, origin, token, answer string) seen {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed; the browser test runs the bookmarklet in Chromium")
	}
	file := filepath.Join(t.TempDir(), "bookmarklet.js")
	if err := os.WriteFile(file, []byte(Code(origin, token)), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(node, "testdata/run.js", file, answer).Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	var s seen
	if err := json.Unmarshal(out, &s); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return s
}

const pageURL = "https://news.example/story?a=1&b=two words#part"

func TestRunSaves(t *testing.T) {
	s := run(t, "https://margin.example", goodToken, `{"status":201,"body":{"article":{"id":"u123","meta":{"title":"The story"}}}}`)
	if len(s.Fetches) != 1 {
		t.Fatalf("%d requests", len(s.Fetches))
	}
	f := s.Fetches[0]
	if f.URL != "https://margin.example/api/import" || f.Opts.Method != "POST" || f.Opts.Mode != "cors" || f.Opts.Credentials != "omit" {
		t.Fatalf("request %+v", f)
	}
	if f.Opts.Headers["Authorization"] != "Bearer "+goodToken || f.Opts.Headers["Content-Type"] != "application/json" || len(f.Opts.Headers) != 2 {
		t.Fatalf("headers %v", f.Opts.Headers)
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(f.Opts.Body), &body); err != nil || len(body) != 2 || body["url"] != pageURL ||
		body["html"] != "<html><body><p>The page as seen</p></body></html>" {
		t.Fatalf("body %s (%v)", f.Opts.Body, err)
	}
	if !s.Shown || s.Text != "Saved to Margin: The story." || s.Link == nil || s.Link.Href != "https://margin.example/a/u123" ||
		s.Link.Target != "_blank" || s.Link.Rel != "noopener" || !s.Removable || len(s.Opened) != 0 || len(s.Timeouts) != 1 {
		t.Fatalf("after saving: %+v, link %+v", s, s.Link)
	}
}

func TestRunAnswers(t *testing.T) {
	for _, tc := range []struct{ name, answer, text, link string }{
		{"already there", `{"status":200,"body":{"article":{"id":"u9","meta":{"title":"Old news"}},"existing":true}}`,
			"Already in your Margin library: Old news.", "https://margin.example/a/u9"},
		{"revoked token", `{"status":401,"body":{"error":"This API token is not valid.","code":"bad_token"}}`,
			"Margin no longer takes this bookmarklet's token. Make a new bookmarklet on your account page.", "https://margin.example/account"},
		{"the server's sentence", `{"status":422,"body":{"error":"That page has no article text.","code":"no_article"}}`,
			"That page has no article text.", ""},
		{"rate limited", `{"status":429,"body":{"error":"Too many imports. Try again in a minute.","code":"rate_limited"}}`,
			"Too many imports. Try again in a minute.", ""},
		{"not JSON", `{"status":502}`, "Margin could not save this page.", ""},
		{"a title with markup", `{"status":201,"body":{"article":{"id":"u1","meta":{"title":"<img src=x onerror=alert(1)>"}}}}`,
			"Saved to Margin: <img src=x onerror=alert(1)>.", "https://margin.example/a/u1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := run(t, "https://margin.example", goodToken, tc.answer)
			if !s.Shown || s.Text != tc.text || len(s.Opened) != 0 {
				t.Fatalf("shown %v, text %q, opened %v", s.Shown, s.Text, s.Opened)
			}
			if (s.Link == nil) != (tc.link == "") || s.Link != nil && s.Link.Href != tc.link {
				t.Fatalf("link %+v, want %q", s.Link, tc.link)
			}
		})
	}
}

// When the page's CSP (or the network) stops the request, Margin's
// import page opens with the address, and the note links to it.
func TestRunFallsBack(t *testing.T) {
	s := run(t, "https://margin.example", goodToken, `{"reject":true}`)
	want := "https://margin.example/import?url=" + strings.ReplaceAll(url.QueryEscape(pageURL), "+", "%20")
	if len(s.Opened) != 1 || s.Opened[0][0] != want || s.Opened[0][1] != "_blank" || s.Opened[0][2] != "noopener" {
		t.Fatalf("opened %v, want %s", s.Opened, want)
	}
	if !s.Shown || !strings.Contains(s.Text, "does not let Margin save it from here") || s.Link == nil || s.Link.Href != want {
		t.Fatalf("note %q, link %+v", s.Text, s.Link)
	}
}

// A hostile origin runs as a plain string: the request goes where it
// says, and nothing else happens.
func TestRunHostileOrigin(t *testing.T) {
	origin := `https://m.example/"+(globalThis.pwned=1)+"`
	s := run(t, origin, goodToken, `{"reject":true}`)
	if len(s.Fetches) != 1 || s.Fetches[0].URL != origin+"/api/import" {
		t.Fatalf("requests %+v", s.Fetches)
	}
}
