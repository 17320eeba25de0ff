package main

import "testing"

func TestPackageOf(t *testing.T) {
	pkgs := map[string]string{}
	for _, p := range []string{"runtime", "crypto/sha3", "github.com/maxence-charriere/go-app/v10/pkg/app", "margin/app/ui", "margin/app"} {
		pkgs[wasmSymbol(p)] = p
	}
	for name, want := range map[string]string{
		"runtime.mallocgc":               "runtime",
		"crypto_sha3.__SHA3_.Reset":      "crypto/sha3",
		"margin_app_ui.__Reader_.Render": "margin/app/ui",
		"github.com_maxence_charriere_go_app_v10_pkg_app.__engine_.Navigate": "github.com/maxence-charriere/go-app/v10/pkg/app",
		"type:.eq.margin_app_ui.Reader":                                      "(compiler-made type functions)",
		"":                                                                   "(unnamed)",
		"wasm_pc_f_loop":                                                     "(other)",
	} {
		if got := packageOf(name, pkgs); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestParseWasm(t *testing.T) {
	// A module with one imported function, two own functions and their names.
	mod := []byte("\x00asm\x01\x00\x00\x00")
	section := func(id byte, body []byte) {
		mod = append(mod, id, byte(len(body)))
		mod = append(mod, body...)
	}
	section(1, []byte{1, 0x60, 0, 0})                          // one type: () -> ()
	section(2, []byte{1, 1, 'm', 1, 'f', 0, 0})                // import m.f, a function
	section(3, []byte{2, 0, 0})                                // two functions
	section(10, []byte{2, 2, 0, 0x0b, 4, 0, 0x01, 0x01, 0x0b}) // bodies of 3 and 5 bytes with their sizes
	names := []byte{4, 'n', 'a', 'm', 'e', 1, 9, 2, 1, 2, 'a', '.', 2, 2, 'b', '.'}
	section(0, names)
	m, err := parseWasm(mod)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.funcs) != 2 || m.funcs[0] != (wasmFunc{"a.", 3}) || m.funcs[1] != (wasmFunc{"b.", 5}) {
		t.Errorf("funcs %+v", m.funcs)
	}
	if m.sections["code"] != 11 || m.sections["custom:name"] != 18 {
		t.Errorf("sections %v", m.sections)
	}
}
