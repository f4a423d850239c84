// Package wasmsize reads a Go-built WebAssembly module and accounts for its
// bytes: per section, per function (code), per Go package and module, and the
// data section split by what the Go linker put there.
package wasmsize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Section is one section of the module: its id, its name for custom sections,
// and its size in the file including the id byte and the size prefix.
type Section struct {
	ID   byte
	Name string
	Size int
	Body []byte // the section's content after its size prefix (custom: name included)
}

// Func is one function defined by the module (imports are not functions here).
type Func struct {
	Index int    // in the wasm function index space (imports first)
	Name  string // from the name section, as the Go linker wrote it; "" without one
	Size  int    // bytes of its body in the code section, size prefix included
}

// Segment is one active data segment: where it is loaded and its bytes.
type Segment struct {
	Offset uint32
	Data   []byte
}

// Module is what Parse found.
type Module struct {
	FileSize int
	Sections []Section
	Imports  int // imported functions
	Funcs    []Func
	Segments []Segment
	HasNames bool
}

var errTruncated = errors.New("truncated module")

type reader struct {
	b   []byte
	pos int
}

func (r *reader) byte() (byte, error) {
	if r.pos >= len(r.b) {
		return 0, errTruncated
	}
	c := r.b[r.pos]
	r.pos++
	return c, nil
}

func (r *reader) uleb() (uint64, error) {
	var v uint64
	for shift := 0; shift < 64; shift += 7 {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v, nil
		}
	}
	return 0, errors.New("LEB128 value too long")
}

func (r *reader) n() (int, error) {
	v, err := r.uleb()
	if err != nil {
		return 0, err
	}
	// A length, or a count of elements of at least one byte each.
	if v > uint64(len(r.b)-r.pos) {
		return 0, fmt.Errorf("count or length %d past the end", v)
	}
	return int(v), nil
}

func (r *reader) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.pos {
		return nil, errTruncated
	}
	s := r.b[r.pos : r.pos+n]
	r.pos += n
	return s, nil
}

// section reads one (sub)section: its id byte and its length-prefixed body. The id is valid
// when only the body is bad (short), so a caller can name the section in its error.
func (r *reader) section() (id byte, body []byte, err error) {
	if id, err = r.byte(); err != nil {
		return 0, nil, err
	}
	n, err := r.n()
	if err != nil {
		return id, nil, err
	}
	body, err = r.bytes(n)
	return id, body, err
}

func (r *reader) name() (string, error) {
	n, err := r.n()
	if err != nil {
		return "", err
	}
	s, err := r.bytes(n)
	return string(s), err
}

// Parse reads the sections Go's linker writes (imports, code, data, the "name"
// custom section). It checks sizes, not instructions.
func Parse(b []byte) (*Module, error) {
	if len(b) < 8 || !bytes.Equal(b[:4], []byte("\x00asm")) || binary.LittleEndian.Uint32(b[4:8]) != 1 {
		return nil, errors.New("not a WebAssembly 1.0 module")
	}
	m := &Module{FileSize: len(b)}
	r := &reader{b: b, pos: 8}
	names := map[int]string{}
	for r.pos < len(b) {
		start := r.pos
		id, body, err := r.section()
		if err != nil {
			return nil, fmt.Errorf("section %d: %w", id, err)
		}
		s := Section{ID: id, Size: r.pos - start, Body: body}
		sr := &reader{b: body}
		switch id {
		case 0:
			if s.Name, err = sr.name(); err != nil {
				return nil, err
			}
			if s.Name == "name" {
				m.HasNames = true
				if err := readNames(sr, names); err != nil {
					return nil, fmt.Errorf("name section: %w", err)
				}
			}
		case 2:
			if m.Imports, err = countFuncImports(sr); err != nil {
				return nil, fmt.Errorf("import section: %w", err)
			}
		case 10:
			if m.Funcs, err = readCode(sr, m.Imports); err != nil {
				return nil, fmt.Errorf("code section: %w", err)
			}
		case 11:
			if m.Segments, err = readData(sr); err != nil {
				return nil, fmt.Errorf("data section: %w", err)
			}
		}
		m.Sections = append(m.Sections, s)
	}
	for i := range m.Funcs {
		m.Funcs[i].Name = names[m.Funcs[i].Index]
	}
	return m, nil
}

func countFuncImports(r *reader) (int, error) {
	count, err := r.n()
	if err != nil {
		return 0, err
	}
	funcs := 0
	for range count {
		if _, err := r.name(); err != nil {
			return 0, err
		}
		if _, err := r.name(); err != nil {
			return 0, err
		}
		kind, err := r.byte()
		if err != nil {
			return 0, err
		}
		switch kind {
		case 0: // func: type index
			funcs++
			_, err = r.uleb()
		case 1: // table: reftype, limits
			if _, err = r.byte(); err == nil {
				err = skipLimits(r)
			}
		case 2: // memory: limits
			err = skipLimits(r)
		case 3: // global: valtype, mutability
			_, err = r.bytes(2)
		default:
			err = fmt.Errorf("import kind %d", kind)
		}
		if err != nil {
			return 0, err
		}
	}
	return funcs, nil
}

func skipLimits(r *reader) error {
	flags, err := r.byte()
	if err != nil {
		return err
	}
	if _, err := r.uleb(); err != nil {
		return err
	}
	if flags&1 != 0 {
		_, err = r.uleb()
	}
	return err
}

func readCode(r *reader, imports int) ([]Func, error) {
	count, err := r.n()
	if err != nil {
		return nil, err
	}
	funcs := make([]Func, 0, count)
	for i := range count {
		start := r.pos
		n, err := r.n()
		if err != nil {
			return nil, err
		}
		if _, err := r.bytes(n); err != nil {
			return nil, err
		}
		funcs = append(funcs, Func{Index: imports + i, Size: r.pos - start})
	}
	return funcs, nil
}

// readNames reads subsection 1 (function names) of the "name" section.
func readNames(r *reader, names map[int]string) error {
	for r.pos < len(r.b) {
		id, body, err := r.section()
		if err != nil {
			return err
		}
		if id != 1 {
			continue
		}
		sr := &reader{b: body}
		count, err := sr.n()
		if err != nil {
			return err
		}
		for range count {
			idx, err := sr.uleb() // an index, not a length
			if err != nil {
				return err
			}
			name, err := sr.name()
			if err != nil {
				return err
			}
			names[int(idx)] = name
		}
	}
	return nil
}

// readData reads active segments of memory 0 with an i32.const offset, the
// only form Go's linker writes.
func readData(r *reader) ([]Segment, error) {
	count, err := r.n()
	if err != nil {
		return nil, err
	}
	segs := make([]Segment, 0, count)
	for range count {
		mode, err := r.uleb()
		if err != nil {
			return nil, err
		}
		if mode != 0 {
			return nil, fmt.Errorf("data segment mode %d (Go writes 0 only)", mode)
		}
		op, err := r.byte()
		if err != nil {
			return nil, err
		}
		if op != 0x41 { // i32.const
			return nil, fmt.Errorf("data segment offset opcode 0x%x", op)
		}
		off, err := r.sleb32()
		if err != nil {
			return nil, err
		}
		if end, err := r.byte(); err != nil || end != 0x0b {
			return nil, errors.New("data segment offset not ended")
		}
		n, err := r.n()
		if err != nil {
			return nil, err
		}
		data, err := r.bytes(n)
		if err != nil {
			return nil, err
		}
		segs = append(segs, Segment{Offset: uint32(off), Data: data})
	}
	return segs, nil
}

func (r *reader) sleb32() (int32, error) {
	var v int64
	var shift uint
	for {
		c, err := r.byte()
		if err != nil {
			return 0, err
		}
		v |= int64(c&0x7f) << shift
		shift += 7
		if c < 0x80 {
			if shift < 64 && c&0x40 != 0 {
				v |= -1 << shift
			}
			return int32(v), nil
		}
		if shift >= 35 {
			return 0, errors.New("i32 LEB128 too long")
		}
	}
}
