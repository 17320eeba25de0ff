package server

import "net/http"

// contentSecurityPolicy allows nothing by default and gives back only what
// the pages use: their own scripts and WebAssembly, their own stylesheet
// (the inline one named by styleHash, and files from the server), the
// manifest, fonts, the API, the service worker and the converter's worker.
// Images come from the server too: an imported article's images are kept
// at /media/{hash}, so no page asks another site for anything and no site
// learns who reads.
func contentSecurityPolicy(styleHash string) string {
	return "default-src 'none'; " +
		"script-src 'self' 'wasm-unsafe-eval'; " +
		"style-src 'self' " + styleHash + "; " +
		"img-src 'self' data:; " +
		"connect-src 'self'; " +
		"font-src 'self'; " +
		"manifest-src 'self'; " +
		"worker-src 'self'; " +
		"object-src 'none'; " +
		"base-uri 'none'; " +
		"form-action 'self'; " +
		"frame-ancestors 'none'"
}

// securityHeaders sets the headers every answer carries.
// Cross-Origin-Opener-Policy keeps a page opened from another site (or
// opening one) out of its browsing context group, so that site cannot
// reach it through window.opener. An earlier version went without it
// because it slowed a cold load's first paint by about 60 ms in the
// benchmarks then; the issue asks for it, and its cost is to be measured
// again.
// isHTTPS tells an answer over https (directly or through a trusted
// proxy), which alone carries Strict-Transport-Security.
func securityHeaders(csp string, isHTTPS func(*http.Request) bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("X-Content-Type-Options", "nosniff")
		if isHTTPS(r) {
			// Only an answer over https may tell the browser to use
			// nothing else (browsers ignore it over http anyway); two
			// years, the usual length for a site that means it.
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		next.ServeHTTP(w, r)
	})
}
