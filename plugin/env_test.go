package main

import (
	"strings"
	"testing"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/test"
	"github.com/stretchr/testify/require"
)

const envSecret = "env-key-0b7e5d21"

// envConfig references its backend key as ${ENV_NAME}.
func envConfig(t *testing.T, name string) []byte {
	return setConfig(t, loadYAMLConfig(t, testdataPath("bridge.yaml")), "server.securitySchemes.7.defaultCredential", "${"+name+"}")
}

// TestEnvCredentialMissing: an unset variable fails plugin start with the
// JSON path and the variable's name. Runs in both modes.
func groupEnvCredentialMissing(t *testing.T) {
	cfg := envConfig(t, "MCP_BRIDGE_UNSET_VARIABLE")
	func(t *testing.T) {
		host, status := startHost(t, cfg)
		require.Equal(t, types.OnPluginStartStatusFailed, status)
		logs := strings.Join(allLogs(host), "\n")
		require.Contains(t, logs, "server.securitySchemes[7].defaultCredential: environment variable MCP_BRIDGE_UNSET_VARIABLE is not set")
	}(t)
}

// TestEnvCredentialResolved: the variable's value is the credential sent
// upstream and is never logged. Go mode only: the wasm emulator (proxytest)
// instantiates the module without a WASI environment, so a variable can only
// reach the .wasm in a real Envoy (vm_config.environment_variables).
func TestEnvCredentialResolved(t *testing.T) {
	t.Setenv("MCP_BRIDGE_TEST_KEY", envSecret)
	cfg := envConfig(t, "MCP_BRIDGE_TEST_KEY")
	test.RunGoTest(t, func(t *testing.T) {
		host := mustStart(t, cfg)
		post(host, legacyHeaders(), `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":"7"}}}`)
		require.Nil(t, host.GetLocalResponse())
		got, _ := header(host.GetRequestHeaders(), "x-api-key")
		require.Equal(t, envSecret, got)
		requireNoSecretInLogs(t, host, envSecret)
	})
}
