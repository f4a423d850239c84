// Command plugin is the Wasm entry point of mcp-rest-bridge. It only registers
// the wrapper hooks; every decision is made in pkg/.
package main

import "github.com/higress-group/wasm-go/pkg/wrapper"

func main() {}

func init() {
	wrapper.SetCtx(pluginName,
		wrapper.WithLogger[pluginConfig](logger),
		wrapper.PrePluginStartOrReload[pluginConfig](checkRawConfig),
		wrapper.ParseRawConfig(parseConfig),
		wrapper.ProcessRequestHeaders(onRequestHeaders),
		wrapper.ProcessRequestBody(onRequestBody),
		wrapper.ProcessResponseHeaders(onResponseHeaders),
		wrapper.ProcessResponseBody(onResponseBody),
		wrapper.ProcessStreamDone(onStreamDone),
	)
}
