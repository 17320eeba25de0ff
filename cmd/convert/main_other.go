//go:build !(js && wasm)

package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "convert runs in a browser: build it with GOOS=js GOARCH=wasm -tags convert")
	os.Exit(2)
}
