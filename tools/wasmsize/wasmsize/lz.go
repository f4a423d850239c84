package wasmsize

// A byte-oriented LZ77 in the manner of LZ4, chosen for the size of its
// decoder (a few dozen wasm instructions, startFunc) rather than its ratio.
//
// A stream is a series of sequences. Each starts with a token byte: its high
// nibble is a literal count L, its low nibble a match length M-4. A nibble
// of 15 is continued by bytes added to it, up to and including the first
// byte that is not 255. Then come L literal bytes. If the stream ends there,
// it is done; otherwise a 2-byte little-endian distance D (1..65535) follows,
// and M bytes are copied from D bytes back in the output, one at a time (so
// a copy may overlap what it writes: D=1 repeats a byte).

const (
	lzMinMatch = 4
	lzMaxDist  = 65535
	lzHashBits = 16
	lzChain    = 32 // candidates tried per position: ratio against encode time
)

// lzCompress encodes src. It is deterministic.
func lzCompress(src []byte) []byte {
	out := make([]byte, 0, len(src)/2)
	head := make([]int32, 1<<lzHashBits)
	for i := range head {
		head[i] = -1
	}
	prev := make([]int32, len(src))
	hash := func(i int) uint32 {
		v := uint32(src[i]) | uint32(src[i+1])<<8 | uint32(src[i+2])<<16 | uint32(src[i+3])<<24
		return (v * 2654435761) >> (32 - lzHashBits)
	}
	insert := func(i int) {
		if i+lzMinMatch <= len(src) {
			h := hash(i)
			prev[i] = head[h]
			head[h] = int32(i)
		}
	}
	lit := 0 // start of pending literals
	i := 0
	for i+lzMinMatch <= len(src) {
		bestLen, bestDist := 0, 0
		h := hash(i)
		for c, n := head[h], 0; c >= 0 && i-int(c) <= lzMaxDist && n < lzChain; c, n = prev[c], n+1 {
			l := 0
			for i+l < len(src) && src[int(c)+l] == src[i+l] {
				l++
			}
			// Of equal matches, one at least 8 bytes back: the decoder
			// copies it 8 bytes at a time (a run of zeros, say).
			if l > bestLen || l == bestLen && bestDist < 8 && i-int(c) >= 8 {
				bestLen, bestDist = l, i-int(c)
			}
		}
		if bestLen < lzMinMatch {
			insert(i)
			i++
			continue
		}
		out = lzSequence(out, src[lit:i], bestDist, bestLen)
		for j := i; j < i+bestLen; j++ {
			insert(j)
		}
		i += bestLen
		lit = i
	}
	// The last sequence: literals only (maybe none).
	out = lzSequence(out, src[lit:], 0, 0)
	return out
}

// lzSequence appends one sequence; dist 0 means the final, literal-only one.
func lzSequence(out, lits []byte, dist, match int) []byte {
	l, m := len(lits), 0
	if dist > 0 {
		m = match - lzMinMatch
	}
	out = append(out, byte(min(l, 15)<<4|min(m, 15)))
	out = lzExtra(out, l)
	out = append(out, lits...)
	if dist == 0 {
		return out
	}
	out = append(out, byte(dist), byte(dist>>8))
	return lzExtra(out, m)
}

func lzExtra(out []byte, n int) []byte {
	if n < 15 {
		return out
	}
	for n -= 15; n >= 255; n -= 255 {
		out = append(out, 255)
	}
	return append(out, byte(n))
}

// lzDecompress is the reference decoder (the start function does the same in
// wasm); it refuses malformed input.
func lzDecompress(src []byte, size int) ([]byte, bool) {
	out := make([]byte, 0, size)
	extra := func(i, n int) (int, int, bool) {
		if n != 15 {
			return i, n, true
		}
		for {
			if i >= len(src) {
				return i, n, false
			}
			b := src[i]
			i++
			n += int(b)
			if b != 255 {
				return i, n, true
			}
		}
	}
	for i := 0; i < len(src); {
		t := src[i]
		i++
		var l, m int
		var ok bool
		if i, l, ok = extra(i, int(t>>4)); !ok || l > len(src)-i {
			return nil, false
		}
		out = append(out, src[i:i+l]...)
		i += l
		if i >= len(src) {
			break
		}
		if i+2 > len(src) {
			return nil, false
		}
		d := int(src[i]) | int(src[i+1])<<8
		i += 2
		if i, m, ok = extra(i, int(t&15)); !ok || d == 0 || d > len(out) {
			return nil, false
		}
		for m += lzMinMatch; m > 0; m-- {
			out = append(out, out[len(out)-d])
		}
	}
	return out, len(out) == size
}
