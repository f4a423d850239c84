//go:build wasip1

package main

import (
	"errors"
	"strconv"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/headermap"
)

// proxySetHeaderMapPairs is the ABI function behind proxywasm.ReplaceHttp*Headers, called
// directly so that the map is encoded by pkg/headermap into one reused buffer: the SDK's
// encoder copies byte by byte into a new slice per call (~46k instructions per tools/call).
//
//go:wasmimport env proxy_set_header_map_pairs
func proxySetHeaderMapPairs(mapType uint32, data *byte, size int32) uint32

// headerBuf is reused by every replacement: the host copies the map during the call, and a
// plugin VM runs one hook at a time.
var headerBuf []byte

// setHeaderMap replaces the whole header map of mapType with pairs.
func setHeaderMap(mapType uint32, pairs [][2]string) error {
	headerBuf = headermap.Append(headerBuf[:0], pairs)
	if status := proxySetHeaderMapPairs(mapType, &headerBuf[0], int32(len(headerBuf))); status != 0 {
		return errors.New("proxy_set_header_map_pairs: host status " + strconv.FormatUint(uint64(status), 10))
	}
	return nil
}
