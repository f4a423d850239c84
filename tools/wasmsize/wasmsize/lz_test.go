package wasmsize

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

func TestLZRoundTrip(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 100000)
	for i := range random {
		random[i] = byte(rnd.Uint32())
	}
	text := bytes.Repeat([]byte("runtime.mallocgc runtime.(*mcache).nextFree "), 3000)
	mixed := append(append(append([]byte{}, random[:5000]...), make([]byte, 70000)...), text...)
	for name, in := range map[string][]byte{
		"empty":        {},
		"one byte":     {7},
		"three bytes":  {1, 2, 3},
		"zeros":        make([]byte, 200000), // one long match at distance 1, then 8
		"random":       random,               // literals only, counts past 15+255
		"text":         text,
		"mixed":        mixed,
		"far repeat":   append(append(append([]byte{}, random[:300]...), random[:70000]...), random[:300]...), // beyond the window
		"long literal": random[:15+255+255+3],
	} {
		c := lzCompress(in)
		out, ok := lzDecompress(c, len(in))
		if !ok || !bytes.Equal(out, in) {
			t.Errorf("%s: round trip failed", name)
		}
		if name == "zeros" || name == "text" {
			if len(c) > len(in)/50 {
				t.Errorf("%s: %d bytes compressed to %d", name, len(in), len(c))
			}
		}
	}
}

func TestLZDecompressRefusesMalformed(t *testing.T) {
	valid := lzCompress(bytes.Repeat([]byte("abcdefgh"), 100))
	for name, in := range map[string][]byte{
		"distance 0":           {0x10, 'a', 0, 0},
		"distance past output": {0x10, 'a', 2, 0},
		"literals past end":    {0x50, 'a'},
		"truncated distance":   {0x10, 'a', 1},
		"truncated extension":  {0xf0},
		"truncated":            valid[:len(valid)-3],
	} {
		if _, ok := lzDecompress(in, 800); ok {
			t.Errorf("%s: accepted", name)
		}
	}
}
