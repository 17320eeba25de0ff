// Package assets holds Margin's source material, embedded in the server
// binary: the sample articles a fresh server shows and the icon masters.
package assets

import "embed"

// FS holds the articles/ and icons/ folders.
//
//go:embed articles icons
var FS embed.FS
