package wasmsize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Slim rewrites a Go wasm module so that it does not carry runtime.findfunctab
// in its data section, and writes it at instantiation instead.
//
// findfunctab maps a PC to its function in 4096-byte buckets of PC space, 20
// bytes a bucket: a uint32 function index and 16 one-byte offsets. On wasm the
// Go linker gives each function the PC (0x1000+i)<<16, so every function spans
// exactly 16 buckets whatever its size, bucket b holds index b/16 and every
// offset is 0. The table is 320 bytes per function (2 MB for ours), and since
// each bucket's two non-zero bytes are followed by 18 zeros, the linker writes
// one data segment per bucket: ~11.5 bytes of file per bucket, 1.2 MB.
//
// Slim checks that the table is exactly that (and fails otherwise: a Go
// release that lays PCs out differently is not slimmed into a broken
// module), zeroes it out of the data, and adds a start function, which the
// engine runs after loading the data segments and before any export can be
// called, that stores b/16 at each bucket. The memory every Go function later
// sees is byte for byte the original's (the tests compare it). The rest of the
// data is re-cut into segments the way the linker cuts it (a new segment at a
// run of 8+ zero bytes), without the linker's 100,000-segment cap, which the
// table's segments had used up, so sections after it went out whole.
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
	ranges, err := DataRanges(m.Segments)
	if err != nil {
		return nil, err
	}
	var ft Range
	for _, r := range ranges {
		if r.Name == FindFuncTab {
			ft = r
		}
	}
	mem := image(m.Segments)
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

	var out bytes.Buffer
	out.Write(b[:8])
	typeIdx := -1
	started := false
	for _, s := range m.Sections {
		body := s.Body
		switch s.ID {
		case 0:
			if s.Name == "name" {
				if strip {
					continue
				}
				if body, err = addName(body, m.Imports+len(m.Funcs), "runtime.findfunctab.fill"); err != nil {
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
			body = appendToVec(body, uleb(nil, uint64(typeIdx)))
		case 9, 10, 11, 12:
			// The start section goes after exports, before elements,
			// data count, code and data.
			if !started {
				writeSection(&out, 8, uleb(nil, uint64(m.Imports+len(m.Funcs))))
				started = true
			}
			if s.ID == 10 {
				body = appendToVec(body, fillBody(uint32(ft.Start), uint32(buckets)))
			}
			if s.ID == 11 {
				if body, err = dataSection(mem); err != nil {
					return nil, err
				}
			}
		}
		writeSection(&out, s.ID, body)
	}
	return out.Bytes(), nil
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
func appendToVec(body, elem []byte) []byte {
	r := &reader{b: body}
	n, err := r.uleb()
	if err != nil {
		return nil
	}
	out := uleb(nil, n+1)
	out = append(out, body[r.pos:]...)
	return append(out, elem...)
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
	return appendToVec(body, []byte{0x60, 0, 0}), n, nil
}

// fillBody is the start function: for b := 0; b < buckets; b++ { *(u32*)(start+20*b) = b>>4 }.
func fillBody(start, buckets uint32) []byte {
	code := []byte{
		1, 1, 0x7f, // one local: i32 b
		0x03, 0x40, // loop
		0x20, 0, 0x41, 20, 0x6c, // b*20
		0x20, 0, 0x41, 4, 0x76, // b>>4
		0x36, 2, // i32.store align=4, offset=start
	}
	code = uleb(code, uint64(start))
	code = append(code, 0x20, 0, 0x41, 1, 0x6a, 0x22, 0, 0x41) // b = b+1; b < buckets
	code = sleb(code, int64(buckets))
	code = append(code, 0x49, 0x0d, 0, 0x0b, 0x0b) // i32.lt_u, br_if 0, end loop, end
	return append(uleb(nil, uint64(len(code))), code...)
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
		id, err := r.byte()
		if err != nil {
			return nil, err
		}
		n, err := r.n()
		if err != nil {
			return nil, err
		}
		sub, err := r.bytes(n)
		if err != nil {
			return nil, err
		}
		if id == 1 {
			entry := uleb(nil, uint64(idx))
			entry = uleb(entry, uint64(len(name)))
			sub = appendToVec(sub, append(entry, name...))
		}
		out = append(out, id)
		out = uleb(out, uint64(len(sub)))
		out = append(out, sub...)
	}
	return out, nil
}

// dataSection cuts a memory image into active segments as the Go linker does
// (cmd/link/internal/wasm writeDataSec): leading zeros skipped, a new segment
// where at least 8 zero bytes (a segment header's size) would be saved.
func dataSection(mem []byte) ([]byte, error) {
	const overhead = 8
	type seg struct{ off, end int }
	var segs []seg
	i := 0
	for i < len(mem) {
		for i < len(mem) && mem[i] == 0 {
			i++
		}
		if i == len(mem) {
			break
		}
		start, end := i, i
		for {
			for end < len(mem) && mem[end] != 0 {
				end++
			}
			zeros := end
			for zeros < len(mem) && mem[zeros] == 0 {
				zeros++
			}
			if zeros-end >= overhead || zeros == len(mem) {
				break
			}
			end = zeros
		}
		segs = append(segs, seg{start, end})
		i = end
	}
	// V8 (Envoy's engine) refuses a module with more (kV8MaxWasmDataSegments).
	if len(segs) > 100000 {
		return nil, fmt.Errorf("%d data segments, more than engines accept", len(segs))
	}
	out := uleb(nil, uint64(len(segs)))
	for _, s := range segs {
		out = append(out, 0, 0x41) // memory 0, i32.const
		out = sleb(out, int64(int32(s.off)))
		out = append(out, 0x0b)
		out = uleb(out, uint64(s.end-s.off))
		out = append(out, mem[s.off:s.end]...)
	}
	return out, nil
}
