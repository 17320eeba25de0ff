package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// guard fetches for the extractor and is the only way it reaches the
// network. Every connection it opens is checked after DNS resolution, in
// the dialer's Control hook, which runs before connect(): a name that
// resolves to a private address, a DNS answer that changed since the last
// look-up, and each redirect hop are all checked on the address really
// dialled.
type guard struct {
	cfg    Config
	allow  map[string]bool // "host:port", lower case
	client *http.Client
	// onDial, when set (tests), is called with each address the guard
	// lets through, just before the connection is made; an error aborts it.
	onDial func(network, address string) error
}

// refusal is the guard's answer to an address it will not dial.
type refusal struct {
	addr string
	port bool // refused for its port, not its address
}

func (r *refusal) Error() string {
	if r.port {
		return "guard: port of " + r.addr + " is not 80 or 443"
	}
	return "guard: " + r.addr + " is not a public address"
}

func newGuard(cfg Config) *guard {
	g := &guard{cfg: cfg, allow: map[string]bool{}}
	for _, hp := range cfg.AllowHosts {
		if host, port, err := net.SplitHostPort(strings.TrimSpace(hp)); err == nil {
			g.allow[strings.ToLower(net.JoinHostPort(strings.Trim(host, "[]"), port))] = true
		}
	}
	tr := &http.Transport{
		Proxy:                  nil, // proxies from the environment are ignored
		DialContext:            g.dial,
		ForceAttemptHTTP2:      true,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  cfg.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		IdleConnTimeout:        30 * time.Second,
		MaxIdleConnsPerHost:    4,
	}
	g.client = &http.Client{Transport: tr, CheckRedirect: g.redirect}
	return g
}

// closeIdle closes kept-alive connections (tests check for leaks).
func (g *guard) closeIdle() { g.client.CloseIdleConnections() }

// hostPort is u's "host:port", with the scheme's default port.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	return strings.ToLower(net.JoinHostPort(u.Hostname(), port))
}

// checkURL refuses what the guard never fetches: other schemes, user
// names and passwords, and ports other than 80 and 443 (unless allowed).
func (g *guard) checkURL(u *url.URL) error {
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return &Error{Kind: KindBadURL, Message: "Margin fetches only http and https addresses.",
			Err: fmt.Errorf("scheme %q", u.Scheme)}
	case u.User != nil:
		return &Error{Kind: KindBadURL, Message: "Addresses with a user name or password are not fetched.",
			Err: errors.New("credentials in the URL")}
	case u.Hostname() == "" || u.Opaque != "":
		return &Error{Kind: KindBadURL, Message: "That is not a web address Margin can fetch.",
			Err: errors.New("no host")}
	}
	// An address given as a number is judged now, without a dial; a
	// name is judged at dial time on each address it resolves to.
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil {
		if err := g.allowed(hostPort(u), netip.AddrPortFrom(ip, portOf(u))); err != nil {
			return classify(err)
		}
	}
	return nil
}

// portOf is u's port number, the scheme's default when it has none.
func portOf(u *url.URL) uint16 {
	_, port, _ := net.SplitHostPort(hostPort(u))
	n, _ := strconv.ParseUint(port, 10, 16)
	return uint16(n)
}

// allowed decides on one address, ap, that the name and port hp (as the
// URL gave them) resolved to. A private address needs AllowPrivate or hp
// in AllowHosts, and then any port will do; a public one needs port 80 or
// 443, or hp in AllowHosts.
func (g *guard) allowed(hp string, ap netip.AddrPort) error {
	listed := g.allow[strings.ToLower(hp)]
	if !publicAddr(ap.Addr()) {
		if g.cfg.AllowPrivate || listed {
			return nil
		}
		return &refusal{addr: ap.String()}
	}
	if p := ap.Port(); p != 80 && p != 443 && !listed {
		return &refusal{addr: ap.String(), port: true}
	}
	return nil
}

func (g *guard) redirect(req *http.Request, via []*http.Request) error {
	if len(via) > g.cfg.MaxRedirects {
		return &Error{Kind: KindRedirects, Message: "The site redirected too many times.",
			Err: fmt.Errorf("more than %d redirects", g.cfg.MaxRedirects)}
	}
	return g.checkURL(req.URL)
}

// dial connects to addr ("host:port"), checking each address the name
// resolves to just before connecting.
func (g *guard) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{
		Timeout:  g.cfg.Timeout,
		Resolver: g.cfg.Resolver,
		Control: func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return &refusal{addr: address}
			}
			if err := g.allowed(addr, ap); err != nil {
				return err
			}
			if g.onDial != nil {
				return g.onDial(network, address)
			}
			return nil
		},
	}
	return d.DialContext(ctx, network, addr)
}

// response is a fetched body with what the site said of it.
type response struct {
	body  []byte
	url   *url.URL // after redirects
	ctype string   // the Content-Type header
}

// fetch GETs u and reads at most limit bytes of its body after
// decompression (the transport decodes gzip itself, so a gzip bomb is cut
// off at the limit). check, if not nil, vets the response's headers
// before the body is read.
func (g *guard) fetch(ctx context.Context, u *url.URL, accept string, limit int64, check func(*http.Response) error) (*response, error) {
	if err := g.checkURL(u); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Kind: KindBadURL, Message: "That is not a web address Margin can fetch.", Err: err}
	}
	req.Header.Set("User-Agent", "Mozilla/5.0 (compatible; Margin article import)")
	req.Header.Set("Accept", accept)
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{Kind: KindStatus, Message: fmt.Sprintf("The site answered %d.", resp.StatusCode),
			Err: fmt.Errorf("GET %s: %s", resp.Request.URL, resp.Status)}
	}
	if check != nil {
		if err := check(resp); err != nil {
			return nil, err
		}
	}
	if resp.ContentLength > limit {
		return nil, tooLarge(limit, fmt.Errorf("content length %d", resp.ContentLength))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, classify(err)
	}
	if int64(len(body)) > limit {
		return nil, tooLarge(limit, fmt.Errorf("body over %d bytes", limit))
	}
	return &response{body: body, url: resp.Request.URL, ctype: resp.Header.Get("Content-Type")}, nil
}

func tooLarge(limit int64, err error) *Error {
	return &Error{Kind: KindTooLarge, Message: fmt.Sprintf("The page is larger than %s.", sizeName(limit)), Err: err}
}

// sizeName writes a byte count the way people say it: "10 MB", "512 KB".
func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// classify turns a failed request or read into the Error its person sees.
func classify(err error) *Error {
	if e, ok := AsError(err); ok {
		return e
	}
	var r *refusal
	var ne net.Error
	switch {
	case errors.As(err, &r) && r.port:
		return &Error{Kind: KindBadURL, Message: "Margin fetches only from ports 80 and 443.", Err: err}
	case errors.As(err, &r):
		return &Error{Kind: KindPrivate, Message: "That address is on a private network.", Err: err}
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return &Error{Kind: KindTimeout, Message: "The site took too long to answer.", Err: err}
	case errors.Is(err, context.Canceled):
		return &Error{Kind: KindNetwork, Message: "The import was cancelled.", Err: err}
	}
	return &Error{Kind: KindNetwork, Message: "The site could not be reached.", Err: err}
}
