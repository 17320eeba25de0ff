package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// A reverse proxy in front of the server says who its client was and
// whether it spoke https, in Forwarded (RFC 7239) or X-Forwarded-For and
// X-Forwarded-Proto. Anyone can send those headers, so they count only
// when the connection comes from an address in Config.TrustedProxies;
// from anyone else, and when they do not parse, they are ignored and the
// connection's own address and scheme stand.

// peerAddr is the address of the connection r came on.
func peerAddr(r *http.Request) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap(), true
}

// trusted reports whether a is one of the configured proxies.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromTrustedProxy reports whether r came straight from a trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	a, ok := peerAddr(r)
	return ok && len(s.cfg.TrustedProxies) > 0 && s.trusted(a)
}

// clientIP is the address of the client r is from: the connection's, or,
// from a trusted proxy, the rightmost address in the forwarded chain that
// is not itself a trusted proxy (the one the first trusted proxy saw;
// addresses left of it are the client's word and could be anything). A
// chain of trusted proxies only gives the leftmost.
func (s *Server) clientIP(r *http.Request) (netip.Addr, bool) {
	peer, ok := peerAddr(r)
	if !ok || !s.fromTrustedProxy(r) {
		return peer, ok
	}
	chain, ok := forwardedFor(r.Header)
	if !ok || len(chain) == 0 {
		return peer, true
	}
	for i := len(chain) - 1; i >= 0; i-- {
		if !s.trusted(chain[i]) {
			return chain[i], true
		}
	}
	return chain[0], true
}

// isHTTPS reports whether the client reached the server over https:
// directly, or as a trusted proxy says.
func (s *Server) isHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !s.fromTrustedProxy(r) {
		return false
	}
	proto, ok := forwardedProto(r.Header)
	return ok && proto == "https"
}

// forwardedFor reads the chain of client addresses, leftmost first, from
// Forwarded's for= parameters or, without Forwarded, X-Forwarded-For.
// Any element that is not an IP address (obfuscated identifiers, "unknown",
// junk) makes the whole header unusable: false.
func forwardedFor(h http.Header) ([]netip.Addr, bool) {
	if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		var chain []netip.Addr
		for _, el := range forwardedElements(fwd) {
			v, ok := el["for"]
			if !ok {
				return nil, false
			}
			a, ok := parseNode(v)
			if !ok {
				return nil, false
			}
			chain = append(chain, a)
		}
		return chain, true
	}
	var chain []netip.Addr
	for _, line := range h.Values("X-Forwarded-For") {
		for _, part := range strings.Split(line, ",") {
			a, ok := parseNode(strings.TrimSpace(part))
			if !ok {
				return nil, false
			}
			chain = append(chain, a)
		}
	}
	return chain, true
}

// forwardedProto reads the scheme the last proxy was reached with:
// Forwarded's last proto=, or X-Forwarded-Proto's last value. Only http
// and https count.
func forwardedProto(h http.Header) (string, bool) {
	var proto string
	if fwd := h.Values("Forwarded"); len(fwd) > 0 {
		els := forwardedElements(fwd)
		if len(els) == 0 {
			return "", false
		}
		proto = els[len(els)-1]["proto"]
	} else {
		vals := h.Values("X-Forwarded-Proto")
		if len(vals) == 0 {
			return "", false
		}
		parts := strings.Split(vals[len(vals)-1], ",")
		proto = strings.TrimSpace(parts[len(parts)-1])
	}
	proto = strings.ToLower(proto)
	return proto, proto == "http" || proto == "https"
}

// forwardedElements splits Forwarded header lines into elements (one per
// proxy), each a map of lower-case parameter names to unquoted values. A
// malformed element yields nil: the header is then not used at all.
func forwardedElements(lines []string) []map[string]string {
	var els []map[string]string
	for _, line := range lines {
		for _, el := range strings.Split(line, ",") {
			params := map[string]string{}
			for _, pair := range strings.Split(el, ";") {
				pair = strings.TrimSpace(pair)
				if pair == "" {
					continue
				}
				name, value, ok := strings.Cut(pair, "=")
				if !ok || name == "" {
					return nil
				}
				if strings.HasPrefix(value, `"`) {
					if len(value) < 2 || !strings.HasSuffix(value, `"`) {
						return nil
					}
					value = value[1 : len(value)-1]
				}
				params[strings.ToLower(name)] = value
			}
			if len(params) == 0 {
				return nil
			}
			els = append(els, params)
		}
	}
	return els
}

// parseNode reads a forwarded node: an IP address, optionally with a
// port, IPv6 in brackets when it has one ("[2001:db8::1]:443").
func parseNode(v string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(strings.Trim(v, "[]")); err == nil && a.Zone() == "" {
		return a.Unmap(), true
	}
	host, _, err := net.SplitHostPort(v)
	if err != nil {
		return netip.Addr{}, false
	}
	a, err := netip.ParseAddr(strings.Trim(host, "[]"))
	if err != nil || a.Zone() != "" {
		return netip.Addr{}, false
	}
	return a.Unmap(), true
}
