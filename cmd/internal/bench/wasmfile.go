package main

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// `go tool nm` does not read WebAssembly ("unrecognized object file"),
// so the size analysis reads the module itself: the code section gives
// each function body's size and the "name" custom section, which the Go
// linker writes unless -s is given, names the functions.

// wasmModule is what the analysis needs from a .wasm file.
type wasmModule struct {
	// sections maps a section's name ("code", "data", "custom:name"…) to
	// its size in bytes, headers included.
	sections map[string]int64
	// funcs are the module's own functions, in index order.
	funcs []wasmFunc
	// imported is how many functions the module imports; they come first
	// in the function index space, before funcs.
	imported int
}

type wasmFunc struct {
	name string // "" when the module carries no name for it
	size int64  // body bytes in the code section, size prefix included
}

var sectionNames = map[byte]string{
	1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global",
	7: "export", 8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
}

// readWasm parses the file at path.
func readWasm(path string) (*wasmModule, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m, err := parseWasm(raw)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	return m, nil
}

func parseWasm(raw []byte) (*wasmModule, error) {
	if len(raw) < 8 || !bytes.Equal(raw[:4], []byte("\x00asm")) {
		return nil, errors.New("not a WebAssembly module")
	}
	m := &wasmModule{sections: map[string]int64{}}
	r := bytes.NewReader(raw[8:])
	var imported int // functions that come from imports: they own the first indices
	var names map[int]string
	for r.Len() > 0 {
		start := r.Len()
		id, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, fmt.Errorf("section %d size: %w", id, err)
		}
		if size > uint64(r.Len()) {
			return nil, fmt.Errorf("section %d runs past the end", id)
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, err
		}
		total := int64(start - r.Len())
		name := sectionNames[id]
		switch id {
		case 0:
			br := bytes.NewReader(body)
			cname, err := readName(br)
			if err != nil {
				return nil, fmt.Errorf("custom section name: %w", err)
			}
			name = "custom:" + cname
			if cname == "name" {
				if names, err = parseNameSection(br); err != nil {
					return nil, fmt.Errorf("name section: %w", err)
				}
			}
		case 2:
			if imported, err = countImportedFuncs(bytes.NewReader(body)); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case 10:
			if m.funcs, err = parseCode(bytes.NewReader(body)); err != nil {
				return nil, fmt.Errorf("code section: %w", err)
			}
		}
		if name == "" {
			name = fmt.Sprintf("section %d", id)
		}
		m.sections[name] += total
	}
	m.imported = imported
	for i := range m.funcs {
		m.funcs[i].name = names[imported+i]
	}
	return m, nil
}

func readName(r *bytes.Reader) (string, error) {
	n, err := binary.ReadUvarint(r)
	if err != nil {
		return "", err
	}
	if n > uint64(r.Len()) {
		return "", errors.New("name runs past the end")
	}
	b := make([]byte, n)
	_, err = io.ReadFull(r, b)
	return string(b), err
}

func countImportedFuncs(r *bytes.Reader) (int, error) {
	count, err := binary.ReadUvarint(r)
	if err != nil {
		return 0, err
	}
	funcs := 0
	for range count {
		if _, err := readName(r); err != nil { // module
			return 0, err
		}
		if _, err := readName(r); err != nil { // field
			return 0, err
		}
		kind, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // function: a type index
			funcs++
			_, err = binary.ReadUvarint(r)
		case 1: // table: element type, then limits
			if _, err = r.ReadByte(); err == nil {
				err = skipLimits(r)
			}
		case 2: // memory
			err = skipLimits(r)
		case 3: // global: value type, mutability
			_, err = r.Seek(2, io.SeekCurrent)
		default:
			return 0, fmt.Errorf("unknown import kind %d", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func skipLimits(r *bytes.Reader) error {
	flags, err := r.ReadByte()
	if err != nil {
		return err
	}
	if _, err := binary.ReadUvarint(r); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = binary.ReadUvarint(r)
	}
	return err
}

func parseCode(r *bytes.Reader) ([]wasmFunc, error) {
	count, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, err
	}
	funcs := make([]wasmFunc, 0, count)
	for range count {
		start := r.Len()
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if _, err := r.Seek(int64(size), io.SeekCurrent); err != nil {
			return nil, err
		}
		funcs = append(funcs, wasmFunc{size: int64(start - r.Len())})
	}
	return funcs, nil
}

// parseNameSection reads the function names subsection (id 1).
func parseNameSection(r *bytes.Reader) (map[int]string, error) {
	names := map[int]string{}
	for r.Len() > 0 {
		id, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return nil, err
		}
		if size > uint64(r.Len()) {
			return nil, errors.New("subsection runs past the end")
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, err
		}
		if id != 1 {
			continue
		}
		sub := bytes.NewReader(body)
		count, err := binary.ReadUvarint(sub)
		if err != nil {
			return nil, err
		}
		for range count {
			idx, err := binary.ReadUvarint(sub)
			if err != nil {
				return nil, err
			}
			name, err := readName(sub)
			if err != nil {
				return nil, err
			}
			names[int(idx)] = name
		}
	}
	return names, nil
}
