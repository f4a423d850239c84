// Command noop is the baseline for `make bench`: a wasm-go wrapper plugin that
// does nothing but let every phase continue. It registers the same four hooks
// as the real plugin, so the wrapper buffers both bodies exactly as it does for
// mcp-rest-bridge, and the bench ratio measures only our own work on top.
//
// Build: GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared -o build/noop.wasm ./bench/noop
package main

import (
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/tidwall/gjson"
)

func main() {}

func init() {
	wrapper.SetCtx(
		"bench-noop",
		wrapper.ParseConfig(parseConfig),
		wrapper.ProcessRequestHeaders(onRequestHeaders),
		wrapper.ProcessRequestBody(onRequestBody),
		wrapper.ProcessResponseHeaders(onResponseHeaders),
		wrapper.ProcessResponseBody(onResponseBody),
	)
}

type config struct{}

func parseConfig(gjson.Result, *config) error { return nil }

func onRequestHeaders(wrapper.HttpContext, config) types.Action { return types.ActionContinue }

func onRequestBody(wrapper.HttpContext, config, []byte) types.Action { return types.ActionContinue }

func onResponseHeaders(wrapper.HttpContext, config) types.Action { return types.ActionContinue }

func onResponseBody(wrapper.HttpContext, config, []byte) types.Action { return types.ActionContinue }
