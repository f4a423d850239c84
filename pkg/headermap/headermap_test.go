package headermap

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// decode reads the wire format back, checking every length and terminator.
func decode(t *testing.T, b []byte) [][2]string {
	t.Helper()
	n := int(binary.LittleEndian.Uint32(b))
	lengths, data := b[4:4+8*n], b[4+8*n:]
	var out [][2]string
	for i := 0; i < n; i++ {
		kl, vl := int(binary.LittleEndian.Uint32(lengths[8*i:])), int(binary.LittleEndian.Uint32(lengths[8*i+4:]))
		if data[kl] != 0 || data[kl+1+vl] != 0 {
			t.Fatalf("pair %d: missing NUL terminator", i)
		}
		out = append(out, [2]string{string(data[:kl]), string(data[kl+1 : kl+1+vl])})
		data = data[kl+vl+2:]
	}
	if len(data) != 0 {
		t.Fatalf("%d trailing bytes", len(data))
	}
	return out
}

func TestAppend(t *testing.T) {
	cases := []struct {
		name  string
		pairs [][2]string
		want  []byte
	}{
		{"empty", nil, []byte{0, 0, 0, 0}},
		{"one pair", [][2]string{{":status", "200"}}, append([]byte{1, 0, 0, 0, 7, 0, 0, 0, 3, 0, 0, 0},
			":status\x00200\x00"...)},
		{"empty value", [][2]string{{"x-empty", ""}, {"a", "b"}}, append([]byte{2, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0},
			"x-empty\x00\x00a\x00b\x00"...)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Append(nil, tc.pairs)
			if !bytes.Equal(got, tc.want) {
				t.Fatalf("Append = %q, want %q", got, tc.want)
			}
			if len(got) != Size(tc.pairs) {
				t.Fatalf("Size = %d, encoded %d", Size(tc.pairs), len(got))
			}
		})
	}
}

// TestAppendRequestHeaders round-trips a realistic upstream request header set, appended
// after bytes already in the buffer (which must stay), into a buffer too small and one
// large enough (which must be reused).
func TestAppendRequestHeaders(t *testing.T) {
	pairs := [][2]string{
		{":method", "GET"}, {":path", "/v1/pets/42?fields=name%2Cstatus"}, {":authority", "petstore.internal"},
		{":scheme", "https"}, {"accept", "application/json"}, {"x-api-key", "bench-petstore-key-0001"},
		{"x-request-id", "5b2f5a3e-8f0c-4a7e-9d1b-1f3c2e4d5a6b"}, {"x-envoy-original-path", "/mcp"},
		{"user-agent", "mcp-client/1.0 (ünïcode)"},
	}
	for _, prefix := range [][]byte{nil, []byte("keep")} {
		small := append([]byte(nil), prefix...)
		got := Append(small, pairs)
		if !bytes.Equal(got[:len(prefix)], prefix) {
			t.Fatalf("prefix overwritten: %q", got[:len(prefix)])
		}
		back := decode(t, got[len(prefix):])
		if len(back) != len(pairs) {
			t.Fatalf("decoded %d pairs, want %d", len(back), len(pairs))
		}
		for i := range pairs {
			if back[i] != pairs[i] {
				t.Fatalf("pair %d = %q, want %q", i, back[i], pairs[i])
			}
		}
		big := make([]byte, len(prefix), 1024)
		copy(big, prefix)
		again := Append(big, pairs)
		if &again[:1][0] != &big[:1][0] || !bytes.Equal(again, got) {
			t.Fatal("a large enough buffer was not reused, or encoded differently")
		}
	}
}

func BenchmarkAppend(b *testing.B) {
	pairs := [][2]string{{":method", "GET"}, {":path", "/v1/pets/42?fields=name"}, {":authority", "petstore.internal"},
		{":scheme", "https"}, {"accept", "application/json"}, {"x-api-key", "bench-petstore-key-0001"}}
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for range b.N {
		buf = Append(buf[:0], pairs)
	}
}
