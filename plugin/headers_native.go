//go:build !wasip1

package main

import "github.com/higress-group/proxy-wasm-go-sdk/proxywasm"

// setHeaderMap replaces the whole header map of mapType with pairs. Natively (the Go-mode
// tests) the SDK's host emulator is called through the SDK; the .wasm calls the ABI with
// pkg/headermap's encoding (headers_wasm.go), which the wasm-mode tests run.
func setHeaderMap(mapType uint32, pairs [][2]string) error {
	if mapType == mapRequestHeaders {
		return proxywasm.ReplaceHttpRequestHeaders(pairs)
	}
	return proxywasm.ReplaceHttpResponseHeaders(pairs)
}
