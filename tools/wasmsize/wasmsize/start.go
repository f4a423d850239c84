package wasmsize

// asm builds a wasm function body: just the instructions startFunc needs.
type asm []byte

const (
	opBlock, opLoop, opIf, opEnd, opBr, opBrIf      = 0x02, 0x03, 0x04, 0x0b, 0x0c, 0x0d
	opGet, opSet, opTee                             = 0x20, 0x21, 0x22
	opLoad64, opLoad8, opLoad16, opStore, opStore64 = 0x29, 0x2d, 0x2f, 0x36, 0x37
	opStore8, opI32, opI64                          = 0x3a, 0x41, 0x42
	opEqz, opEq, opLtU, opGtS, opGeU                = 0x45, 0x46, 0x49, 0x4a, 0x4f
	opAdd, opSub, opMul, opAnd, opShrU              = 0x6a, 0x6b, 0x6c, 0x71, 0x76
	blockVoid                                       = 0x40
)

func (a *asm) op(ops ...byte) *asm { *a = append(*a, ops...); return a }
func (a *asm) i32(v uint32) *asm   { *a = sleb(append(*a, opI32), int64(int32(v))); return a }
func (a *asm) get(l byte) *asm     { return a.op(opGet, l) }
func (a *asm) set(l byte) *asm     { return a.op(opSet, l) }

// mem is a load or store with an alignment exponent and offset 0.
func (a *asm) mem(op, align byte) *asm { return a.op(op, align, 0) }

// add adds v to local l.
func (a *asm) add(l byte, v uint32) *asm { return a.get(l).i32(v).op(opAdd).set(l) }

// startFunc is the start function Slim adds (locals are i32):
//
//	src, end, dst := blob, blob+blobLen, out
//	for {                                   // lz.go's format
//		t := mem[src]; src++
//		n := extend(t >> 4)                  // literals
//		copy n bytes from src to dst         // 8 at a time
//		if src >= end { break }
//		m := dst - uint16 at src; src += 2
//		n = extend(t & 15) + 4               // match
//		copy n bytes from m to dst           // 8 at a time if dst-m >= 8, else 1
//	}
//	zero the 8 bytes at dst
//	zero blob..blob+blobLen, 8 bytes a store (blob is page-aligned)
//	for b := 0; b < buckets; b++ { uint32 at findfunctab+20*b = b >> 4 }
func startFunc(blob, blobLen, out, findfunctab, buckets uint32) []byte {
	const src, end, dst, t, n, m, b, i = 0, 1, 2, 3, 4, 5, 6, 7
	a := &asm{}
	a.op(1, 8, 0x7f) // 8 locals of type i32
	a.i32(blob).set(src).i32(blob + blobLen).set(end).i32(out).set(dst)
	extend := func() { // n += following bytes while the nibble was 15
		a.get(n).i32(15).op(opEq, opIf, blockVoid)
		a.op(opLoop, blockVoid)
		a.get(src).mem(opLoad8, 0).op(opTee, b).get(n).op(opAdd).set(n).add(src, 1)
		a.get(b).i32(255).op(opEq, opBrIf, 0)
		a.op(opEnd, opEnd)
	}
	a.op(opBlock, blockVoid, opLoop, blockVoid) // $done, $seq
	a.get(src).mem(opLoad8, 0).set(t).add(src, 1)
	a.get(t).i32(4).op(opShrU).set(n)
	extend()
	// wide copies n bytes from local from to dst 8 at a time, writing up to
	// 7 bytes past them (and reading up to 7 past the source): what follows
	// is written over, and what the last sequence leaves past the output is
	// zeroed at the end. Then dst and from are where an exact copy leaves them.
	wide := func(from byte) {
		a.op(opBlock, blockVoid)
		a.get(n).op(opEqz, opBrIf, 0)
		a.op(opLoop, blockVoid)
		a.get(dst).get(from).mem(opLoad64, 0).mem(opStore64, 0).add(dst, 8).add(from, 8)
		a.get(n).i32(8).op(opSub, opTee, n).i32(0).op(opGtS, opBrIf, 0, opEnd)
		a.get(dst).get(n).op(opAdd).set(dst).get(from).get(n).op(opAdd).set(from)
		a.op(opEnd)
	}
	bytewise := func(from byte) { // while n > 0: 1 byte from local from to dst
		a.op(opBlock, blockVoid, opLoop, blockVoid)
		a.get(n).op(opEqz, opBrIf, 1)
		a.get(dst).get(from).mem(opLoad8, 0).mem(opStore8, 0).add(dst, 1).add(from, 1).add(n, 0xffffffff)
		a.op(opBr, 0, opEnd, opEnd)
	}
	wide(src)
	a.get(src).get(end).op(opGeU, opBrIf, 1) // to the end of $done
	a.get(dst).get(src).mem(opLoad16, 0).op(opSub).set(m).add(src, 2)
	a.get(t).i32(15).op(opAnd).set(n)
	extend()
	a.add(n, lzMinMatch)
	// A match at least 8 bytes back is copied 8 bytes at a time: each read
	// is of bytes this copy already wrote, or earlier ones. A closer one
	// repeats a pattern: byte by byte.
	a.op(opBlock, blockVoid, opBlock, blockVoid)
	a.get(dst).get(m).op(opSub).i32(8).op(opLtU, opBrIf, 0)
	wide(m)
	a.op(opBr, 1, opEnd)
	bytewise(m)
	a.op(opEnd)
	a.op(opBr, 0, opEnd, opEnd)               // next sequence; end $seq, $done
	a.get(dst).op(opI64, 0).mem(opStore64, 0) // what the last wide copy wrote past the output

	a.i32(blob).set(i)
	a.op(opLoop, blockVoid)
	a.get(i).op(opI64, 0).mem(opStore64, 3).add(i, 8)
	a.get(i).i32(blob+blobLen).op(opLtU, opBrIf, 0, opEnd)

	a.i32(0).set(i)
	a.op(opLoop, blockVoid)
	a.get(i).i32(20).op(opMul).get(i).i32(4).op(opShrU)
	a.op(opStore, 2).op(uleb(nil, uint64(findfunctab))...)
	a.add(i, 1).get(i).i32(buckets).op(opLtU, opBrIf, 0, opEnd)
	a.op(opEnd)
	return append(uleb(nil, uint64(len(*a))), *a...)
}
