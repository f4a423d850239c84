package wasmsize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// Range is a named span of linear memory [Start, End).
type Range struct {
	Name       string
	Start, End uint64
}

// FindFuncTab names runtime.findfunctab's range.
const FindFuncTab = "runtime.findfunctab (pc -> func lookup)"

// pcHeader's first 8 bytes on GOARCH=wasm: the Go 1.20+ pclntab magic
// 0xfffffff1, two zero pads, minLC 1, ptrSize 8 (runtime/symtab.go).
var pcHeaderMagic = []byte{0xf1, 0xff, 0xff, 0xff, 0, 0, 1, 8}

// DataRanges finds, in the memory the data segments load, the parts the Go
// linker lays out (runtime.moduledata names them): the pclntab (function
// names, file table, pc-value tables, func records), runtime.findfunctab,
// type descriptors, and the data and noptrdata sections. The runtime finds
// moduledata through a pointer to the pcHeader, its first field; we do the
// same, checking the next field (funcnametab) points where the header says.
func DataRanges(segs []Segment) ([]Range, error) {
	ranges, _, err := dataLayout(image(segs))
	return ranges, err
}

// dataLayout is DataRanges on a memory image; it also returns where the
// module's static memory ends (runtime.end: past bss, where the heap starts).
func dataLayout(mem []byte) ([]Range, uint64, error) {
	word := func(at uint64) uint64 {
		if at+8 > uint64(len(mem)) {
			return 0
		}
		return binary.LittleEndian.Uint64(mem[at:])
	}
	hdr := bytes.Index(mem, pcHeaderMagic)
	if hdr < 0 {
		return nil, 0, errors.New("no pcHeader (not a Go 1.20+ wasm module?)")
	}
	h := uint64(hdr)
	// nfunc, nfiles, (unused), funcnameOffset, cuOffset, filetabOffset, pctabOffset, pclnOffset
	funcnameOff := word(h + 32)
	var le [8]byte
	binary.LittleEndian.PutUint64(le[:], h)
	md := uint64(0)
	for from := 0; ; {
		i := bytes.Index(mem[from:], le[:])
		if i < 0 {
			return nil, 0, errors.New("no runtime.moduledata pointing at the pcHeader")
		}
		at := uint64(from + i)
		if at%8 == 0 && word(at+8) == h+funcnameOff {
			md = at
			break
		}
		from += i + 1
	}
	// moduledata fields, in words: 0 pcHeader; 1 funcnametab, 4 cutab,
	// 7 filetab, 10 pctab, 13 pclntable, 16 ftab (slices: pointer, len,
	// cap); 19 findfunctab; 20 minpc, 21 maxpc; 22 text, 23 etext;
	// 24 noptrdata, 25 enoptrdata; 26 data, 27 edata; 28-33 bss, noptrbss,
	// covctrs (start, end); 34 end, 35 gcdata, 36 gcbss; 37 types, 38 etypes;
	// 39 rodata; 40 gofunc. Stable from Go 1.20 to 1.26.
	f := func(i uint64) uint64 { return word(md + 8*i) }
	span := func(i uint64) (uint64, uint64) { return f(i), f(i) + f(i+1) }
	names, namesEnd := span(1)
	pctab, pctabEnd := span(10)
	funcs, funcsEnd := span(13)
	ranges := []Range{
		{"rodata: type descriptors, strings, static tables (time/tzdata's zip among them)", f(37), f(38)},
		{"pclntab: header", h, names},
		{"pclntab: function names", names, namesEnd},
		{"pclntab: compile-unit and file tables", namesEnd, pctab},
		{"pclntab: pc-value tables (stack deltas, lines, stack map indexes)", pctab, pctabEnd},
		{"pclntab: func table and records", funcs, funcsEnd},
		{"funcdata: stack and argument pointer maps (go:func.*)", f(40), f(19)},
		{FindFuncTab, f(19), f(19) + findfunctabSize(f(20), f(21))},
		{"noptrdata: initialised variables without pointers", f(24), f(25)},
		{"data: initialised variables with pointers", f(26), f(27)},
	}
	// Trailing zeros of a part are in no segment, so a part may end past the
	// image; it may not end past a 32-bit memory.
	for _, r := range ranges {
		if r.End < r.Start || r.End > 1<<32 {
			return nil, 0, fmt.Errorf("runtime.moduledata does not have the expected layout: %s at [%#x, %#x) in %#x bytes of memory", r.Name, r.Start, r.End, len(mem))
		}
	}
	if f(34) < f(27) || f(34) > 1<<32 {
		return nil, 0, fmt.Errorf("runtime.moduledata does not have the expected layout: end %#x", f(34))
	}
	return ranges, f(34), nil
}

// findfunctabSize is the linker's size for runtime.findfunctab: per 4096-byte
// bucket of PC space, a uint32 base index and 16 one-byte sub-bucket offsets
// (cmd/link/internal/ld/pcln.go). On wasm a function's PC is its index<<16,
// so each function spans 16 buckets whatever its size.
func findfunctabSize(minpc, maxpc uint64) uint64 {
	const bucket, sub = 4096, 256
	span := maxpc - minpc
	return 4*((span+bucket-1)/bucket) + (span+sub-1)/sub
}

func image(segs []Segment) []byte {
	var size uint64
	for _, s := range segs {
		if end := uint64(s.Offset) + uint64(len(s.Data)); end > size {
			size = end
		}
	}
	mem := make([]byte, size)
	for _, s := range segs {
		copy(mem[s.Offset:], s.Data)
	}
	return mem
}

// DataCost charges each byte of the data section to the range it loads into:
// the segment's bytes where they land, and its header (memory index, offset
// expression, length) to the range of its first byte. What no range covers is
// "other". The Go linker starts a new segment at every run of 8+ zero bytes,
// so sparse tables cost 8-odd header bytes per run.
func DataCost(segs []Segment, ranges []Range) []Row {
	rs := append([]Range(nil), ranges...)
	sort.Slice(rs, func(i, j int) bool { return rs[i].Start < rs[j].Start })
	other := "other (between the parts above)"
	sums := map[string]*Row{}
	add := func(name string, n int, seg bool) {
		r := sums[name]
		if r == nil {
			r = &Row{Name: name}
			sums[name] = r
		}
		r.Bytes += n
		if seg {
			r.Funcs++ // here: segments
		}
	}
	for _, s := range segs {
		start, end := uint64(s.Offset), uint64(s.Offset)+uint64(len(s.Data))
		head := 1 + 1 + slebLen(int64(int32(s.Offset))) + 1 + ulebLen(uint64(len(s.Data)))
		owner := other
		covered := uint64(0)
		for _, r := range rs {
			lo, hi := max(start, r.Start), min(end, r.End)
			if lo >= hi {
				continue
			}
			if lo == start {
				owner = r.Name
			}
			add(r.Name, int(hi-lo), false)
			covered += hi - lo
		}
		if covered < end-start {
			add(other, int(end-start-covered), false)
		}
		add(owner, head, true)
	}
	rows := make([]Row, 0, len(sums))
	for _, r := range sums {
		rows = append(rows, *r)
	}
	sortRows(rows)
	return rows
}

func ulebLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

func slebLen(v int64) int {
	n := 1
	for v < -64 || v >= 64 {
		v >>= 7
		n++
	}
	return n
}
