package extract

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// tinyPNG is a 1×1 PNG.
func tinyPNG() []byte { return pngOf(1, color.RGBA{200, 40, 40, 255}) }

// pngOf is a w×w PNG of one colour; different colours make different hashes.
func pngOf(w int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, w))
	for x := range w {
		for y := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
