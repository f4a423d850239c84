package wasmsize

import (
	"bytes"
	"errors"
)

// DataOnly returns a module made of b's memory, data segments and start
// function (if any), nothing else: instantiating it costs what loading b's
// initial memory costs, without Go's runtime or imports. `wasmsize
// -instantiate` runs it, so that callgrind can count what -slim's start
// function adds at load compared with the linker's data segments.
func DataOnly(b []byte) ([]byte, error) {
	m, err := Parse(b)
	if err != nil {
		return nil, err
	}
	var mem, data, start []byte
	for _, s := range m.Sections {
		switch s.ID {
		case 5:
			mem = s.Body
		case 11:
			data = s.Body
		case 8:
			// The start function Slim adds is the module's last function.
			if len(m.Funcs) == 0 {
				return nil, errors.New("a start section but no function")
			}
			start = []byte{}
		}
	}
	if mem == nil {
		return nil, errors.New("no memory section")
	}
	var out bytes.Buffer
	out.Write(b[:8])
	if start != nil {
		writeSection(&out, 1, []byte{1, 0x60, 0, 0}) // one type: [] -> []
		writeSection(&out, 3, []byte{1, 0})          // one function of it
	}
	writeSection(&out, 5, mem)
	if start != nil {
		writeSection(&out, 8, []byte{0})
		for _, s := range m.Sections {
			if s.ID == 10 {
				last := m.Funcs[len(m.Funcs)-1]
				writeSection(&out, 10, append([]byte{1}, s.Body[len(s.Body)-last.Size:]...))
			}
		}
	}
	if data != nil {
		writeSection(&out, 11, data)
	}
	return out.Bytes(), nil
}
