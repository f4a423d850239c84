package examples

import "os"

// Names of the environment variables that hold the demo's secrets: the plugin reads them through
// "${NAME}" in demo.yaml (from the Wasm VM environment), the demo backend from its own environment.
const (
	EnvAPIKey          = "DEMO_API_KEY"          // store-key: X-API-Key header
	EnvSearchKey       = "DEMO_SEARCH_KEY"       // search-key: api_key query parameter
	EnvAdminCredential = "DEMO_ADMIN_CREDENTIAL" // admin-basic: user:password
)

// defaultSecrets are demo values, used when the environment does not set them.
var defaultSecrets = map[string]string{
	EnvAPIKey:          "demo-store-key-5c1f9a",
	EnvSearchKey:       "demo-search-key-8e2d47",
	EnvAdminCredential: "petstore-admin:demo-admin-pw-3b6e",
}

// UserTokens are the bearer tokens the demo backend accepts for the passthrough tools.
var UserTokens = map[string]string{"demo-alice-token": "alice", "demo-bob-token": "bob"}

// Secrets returns the demo secrets: the defaults, overridden by non-empty environment variables.
func Secrets() map[string]string {
	out := make(map[string]string, len(defaultSecrets))
	for k, v := range defaultSecrets {
		out[k] = v
		if e := os.Getenv(k); e != "" {
			out[k] = e
		}
	}
	return out
}
