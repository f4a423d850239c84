package wasmsize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Slim rewrites a Go wasm module so that its data section is a fraction of
// the linker's, with the same memory once the module is loaded.
//
// The linker writes the initial memory as data segments, a new one at every
// run of 8+ zero bytes. Slim writes it as one segment holding the memory
// compressed (lz.go: 5.7 MB of ours become 1.4 MB), placed past the memory
// the module uses, and a start function (which the engine runs after loading
// the data segments and before any export can be called) that decompresses
// it where it belongs, zeroes the compressed copy and writes
// runtime.findfunctab.
//
// findfunctab maps a PC to its function in 4096-byte buckets of PC space, 20
// bytes a bucket: a uint32 function index and 16 one-byte offsets. On wasm the
// Go linker gives each function the PC (0x1000+i)<<16, so every function spans
// exactly 16 buckets whatever its size, bucket b holds index b/16 and every
// offset is 0: 320 bytes a function, 2 MB of ours, that a loop writes. Slim
// checks that the table is exactly that and fails otherwise (a Go release
// that lays PCs out differently is not slimmed into a broken module).
//
// The memory every Go function sees is byte for byte the original's (the
// tests compare it after instantiation). The module's initial memory grows by
// the pages the compressed copy needs; they are zero again before Go runs and
// the heap grows into them as into any page.
//
// strip drops the "name" custom section (as -ldflags=-s would).
func Slim(b []byte, strip bool) ([]byte, error) {
	m, err := Parse(b)
	if err != nil {
		return nil, err
	}
	for _, s := range m.Sections {
		if s.ID == 8 {
			return nil, errors.New("module already has a start function")
		}
	}
	mem := image(m.Segments)
	ranges, staticEnd, err := dataLayout(mem)
	if err != nil {
		return nil, err
	}
	var ft Range
	for _, r := range ranges {
		if r.Name == FindFuncTab {
			ft = r
		}
	}
	if uint64(len(mem)) < ft.End {
		mem = append(mem, make([]byte, ft.End-uint64(len(mem)))...)
	}
	buckets := (ft.End - ft.Start + 19) / 20
	if ft.Start%4 != 0 || buckets == 0 || ft.End > 1<<31 {
		return nil, fmt.Errorf("findfunctab at [%#x, %#x): unexpected placement", ft.Start, ft.End)
	}
	for i := uint64(0); i < buckets; i++ {
		at := ft.Start + 20*i
		if got := binary.LittleEndian.Uint32(mem[at:]); uint64(got) != i/16 {
			return nil, fmt.Errorf("findfunctab bucket %d holds function %d, not %d: not the wasm layout Slim knows", i, got, i/16)
		}
		end := min(at+20, ft.End)
		if !allZero(mem[at+4 : end]) {
			return nil, fmt.Errorf("findfunctab bucket %d has non-zero sub-bucket offsets: not the wasm layout Slim knows", i)
		}
	}
	clear(mem[ft.Start:ft.End])

	// What the decompressor writes: from the first non-zero byte to the last.
	lo, hi := 0, len(mem)
	for lo < hi && mem[lo] == 0 {
		lo++
	}
	for hi > lo && mem[hi-1] == 0 {
		hi--
	}
	packed := lzCompress(mem[lo:hi])

	var out bytes.Buffer
	out.Write(b[:8])
	typeIdx := -1
	started := false
	var blobAt uint64 // where the compressed memory is loaded
	for _, s := range m.Sections {
		body := s.Body
		switch s.ID {
		case 0:
			if s.Name == "name" {
				if strip {
					continue
				}
				if body, err = addName(body, m.Imports+len(m.Funcs), "wasmsize.start"); err != nil {
					return nil, err
				}
			}
		case 1:
			if body, typeIdx, err = voidType(body); err != nil {
				return nil, err
			}
		case 3:
			if typeIdx < 0 {
				return nil, errors.New("no type section before the function section")
			}
			if body, err = appendToVec(body, uleb(nil, uint64(typeIdx))); err != nil {
				return nil, fmt.Errorf("function section: %w", err)
			}
		case 5:
			// +8: the decoder reads up to 7 bytes past the compressed copy.
			if body, blobAt, err = growMemory(body, len(packed)+8); err != nil {
				return nil, err
			}
			if blobAt < staticEnd || blobAt < uint64(hi) {
				return nil, fmt.Errorf("initial memory ends at %#x, inside the module's static memory (to %#x)", blobAt, max(staticEnd, uint64(hi)))
			}
		case 9, 10, 11, 12:
			// The start section goes after exports, before elements,
			// data count, code and data.
			if !started {
				writeSection(&out, 8, uleb(nil, uint64(m.Imports+len(m.Funcs))))
				started = true
			}
			if s.ID == 10 {
				if blobAt == 0 {
					return nil, errors.New("no memory section before the code section")
				}
				if body, err = appendToVec(body, startFunc(uint32(blobAt), uint32(len(packed)), uint32(lo), uint32(ft.Start), uint32(buckets))); err != nil {
					return nil, fmt.Errorf("code section: %w", err)
				}
			}
			if s.ID == 11 {
				body = uleb(nil, 1)
				body = append(body, 0, 0x41) // memory 0, i32.const
				body = sleb(body, int64(blobAt))
				body = append(body, 0x0b)
				body = uleb(body, uint64(len(packed)))
				body = append(body, packed...)
			}
		}
		writeSection(&out, s.ID, body)
	}
	return out.Bytes(), nil
}

// growMemory adds to the memory section's initial size the pages n bytes
// need, and returns where those pages start.
func growMemory(body []byte, n int) ([]byte, uint64, error) {
	r := &reader{b: body}
	if count, err := r.uleb(); err != nil || count != 1 {
		return nil, 0, errors.New("memory section: not one memory")
	}
	flags, err := r.byte()
	if err != nil || flags > 1 {
		return nil, 0, fmt.Errorf("memory section: flags %#x", flags)
	}
	minPages, err := r.uleb()
	if err != nil {
		return nil, 0, err
	}
	const page = 65536
	newMin := minPages + (uint64(n)+page-1)/page
	out := append(uleb(nil, 1), flags)
	out = uleb(out, newMin)
	if flags == 1 {
		maxPages, err := r.uleb()
		if err != nil {
			return nil, 0, err
		}
		if maxPages < newMin {
			return nil, 0, fmt.Errorf("memory section: maximum %d pages, %d needed", maxPages, newMin)
		}
		out = uleb(out, maxPages)
	}
	if newMin*page > 1<<31 {
		return nil, 0, errors.New("memory section: the compressed data does not fit below 2 GiB")
	}
	return out, minPages * page, nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

func uleb(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func sleb(b []byte, v int64) []byte {
	for {
		c := byte(v & 0x7f)
		v >>= 7
		if v == 0 && c&0x40 == 0 || v == -1 && c&0x40 != 0 {
			return append(b, c)
		}
		b = append(b, c|0x80)
	}
}

func writeSection(out *bytes.Buffer, id byte, body []byte) {
	out.WriteByte(id)
	out.Write(uleb(nil, uint64(len(body))))
	out.Write(body)
}

// appendToVec adds one element to a section that is a vector (count, elements).
func appendToVec(body, elem []byte) ([]byte, error) {
	r := &reader{b: body}
	n, err := r.uleb()
	if err != nil {
		return nil, err
	}
	out := uleb(nil, n+1)
	out = append(out, body[r.pos:]...)
	return append(out, elem...), nil
}

// voidType returns the type section with a [] -> [] function type, and its index.
func voidType(body []byte) ([]byte, int, error) {
	r := &reader{b: body}
	n, err := r.n()
	if err != nil {
		return nil, 0, err
	}
	for i := range n {
		start := r.pos
		if form, err := r.byte(); err != nil || form != 0x60 {
			return nil, 0, fmt.Errorf("type %d is not a function type", i)
		}
		for range 2 { // params, results
			k, err := r.n()
			if err != nil {
				return nil, 0, err
			}
			if _, err := r.bytes(k); err != nil {
				return nil, 0, err
			}
		}
		if bytes.Equal(body[start:r.pos], []byte{0x60, 0, 0}) {
			return body, i, nil
		}
	}
	out, err := appendToVec(body, []byte{0x60, 0, 0})
	return out, n, err
}

// addName appends (idx, name) to the function-name subsection of a "name"
// section body; idx must be past every named function.
func addName(body []byte, idx int, name string) ([]byte, error) {
	r := &reader{b: body}
	if _, err := r.name(); err != nil { // "name"
		return nil, err
	}
	out := append([]byte(nil), body[:r.pos]...)
	for r.pos < len(r.b) {
		id, sub, err := r.section()
		if err != nil {
			return nil, err
		}
		if id == 1 {
			entry := uleb(nil, uint64(idx))
			entry = uleb(entry, uint64(len(name)))
			if sub, err = appendToVec(sub, append(entry, name...)); err != nil {
				return nil, err
			}
		}
		out = append(out, id)
		out = uleb(out, uint64(len(sub)))
		out = append(out, sub...)
	}
	return out, nil
}
