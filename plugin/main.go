// Command plugin is the Wasm entry point of mcp-rest-bridge. It only registers
// the wrapper hooks; every decision is made in pkg/.
package main

import (
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/wasm-go/pkg/wrapper"
)

func main() {}

func init() {
	// wasm-go's VM and plugin contexts, the plugin's HTTP contexts (httpctx.go).
	proxywasm.SetVMContext(vmContext{wrapper.NewCommonVmCtx(pluginName,
		wrapper.WithLogger[pluginConfig](logger),
		wrapper.PrePluginStartOrReload[pluginConfig](checkRawConfig),
		wrapper.ParseRawConfig(parseConfig),
	)})
}
