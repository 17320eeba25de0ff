// Command anchorwasm is Margin's side of the bench's re-anchoring part: a
// WebAssembly program that loads the corpus of bench/anchor-js, places
// every case with margin/app/anchor, times it and publishes the figures
// as JSON in the window property marginAnchorResult (with an event of the
// same name). index.html starts it with wasm_exec.js; the query's data and
// reps become its -data and -reps flags. It only does something in a
// browser; built natively it is an empty program, so that `go vet ./...`
// covers this folder.
package main
