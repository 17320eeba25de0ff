// Package web embeds what the server serves under /web/: the built
// app.wasm with its precompressed copies, the stylesheet, the small
// scripts and the icons. It holds no code that runs in the browser.
package web

import "embed"

// FS holds every file of this folder (Go sources are not served). A clone
// that has not built app.wasm yet still compiles; the server then answers
// the missing file with 404.
//
//go:embed *
var FS embed.FS
