// Package headermap writes a header map in the proxy-wasm ABI's wire format, the form
// proxy_set_header_map_pairs (and proxy_send_local_response) take:
//
//	u32 count | count × (u32 key length, u32 value length) | count × (key 0x00 value 0x00)
//
// little endian. The SDK's serializer (proxywasm/internal.SerializeMap) copies one byte
// per loop step and allocates a new slice per call: ~46k guest instructions per tools/call
// in `make bench`. Append copies whole strings into a buffer the caller reuses.
package headermap

import "encoding/binary"

// Size is the encoded length of pairs.
func Size(pairs [][2]string) int {
	n := 4
	for _, p := range pairs {
		n += 8 + len(p[0]) + 1 + len(p[1]) + 1
	}
	return n
}

// Append appends the encoding of pairs to dst.
func Append(dst []byte, pairs [][2]string) []byte {
	n := len(dst)
	size := Size(pairs)
	if cap(dst)-n < size {
		grown := make([]byte, n, n+size)
		copy(grown, dst)
		dst = grown
	}
	dst = dst[:n+size]
	out := dst[n:]
	binary.LittleEndian.PutUint32(out, uint32(len(pairs)))
	lengths := out[4:]
	data := out[4+8*len(pairs):]
	for _, p := range pairs {
		binary.LittleEndian.PutUint32(lengths, uint32(len(p[0])))
		binary.LittleEndian.PutUint32(lengths[4:], uint32(len(p[1])))
		lengths = lengths[8:]
		k := copy(data, p[0])
		data[k] = 0
		v := copy(data[k+1:], p[1])
		data[k+1+v] = 0
		data = data[k+v+2:]
	}
	return dst
}
