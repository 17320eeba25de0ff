package server

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/cmd/internal/static"
)

// Files under /web/ that every page links or precaches. The stylesheet is
// not among them: pages carry it inline (see style.go).
const (
	iconSVG  = "/web/icons/icon.svg"
	icon192  = "/web/icons/icon-192.png"
	icon512  = "/web/icons/icon-512.png"
	iconMask = "/web/icons/maskable-512.png"

	convertScript = "/web/convert.js"
	convertWasm   = "/web/convert.wasm"
)

// newAppHandler configures go-app's handler, which writes the pages, the
// manifest, app.js and the service worker.
func (s *Server) newAppHandler() *app.Handler {
	h := &app.Handler{
		Name:            "Margin",
		ShortName:       "Margin",
		Title:           "Margin",
		Description:     "Read articles, mark what matters, and share it.",
		Lang:            "en",
		BackgroundColor: "#fbfaf7",
		ThemeColor:      "#fbfaf7",
		LoadingLabel:    "Loading Margin {progress}%",
		Icon: app.Icon{
			Default:  icon192,
			Large:    icon512,
			SVG:      iconSVG,
			Maskable: iconMask,
		},
		Image:     icon512,
		Resources: s.static,
		// No <link rel="preload"> for app.wasm: its download and brotli
		// decoding then ran beside the first paint on a 2-core machine.
		// Without it, four alternating runs of the load benchmark put the
		// first paint at 1.00–1.14× the floor's (1.24–1.37× with it), and
		// the mount at 0.87–0.92× (0.83–0.85×). app.js asks for app.wasm
		// once the first frame is drawn (see appjs.go).
		WasmContentLengthHeader: static.WasmLengthHeader,
		ServiceWorkerTemplate:   workerTemplate,
	}
	// The converter of pasted text and files is loaded on first use, and
	// cached with the app so that pasting works offline. Only when built:
	// one missing file fails the whole precache.
	if s.static.Has(convertScript) && s.static.Has(convertWasm) {
		h.CacheableResources = []string{convertScript, convertWasm}
	}
	h.Version = buildVersion(s.static.Version(), workerTemplate)
	return h
}

// buildVersion derives the version from what the build serves, so every
// replica of one build agrees and a restart is not an update.
func buildVersion(files, worker string) string {
	sum := sha256.Sum256([]byte(files + "\x00" + worker))
	return hex.EncodeToString(sum[:])[:16]
}
