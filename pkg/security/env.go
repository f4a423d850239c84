package security

import (
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/configerr"
)

// Env looks up a variable of the Wasm VM environment (Envoy sets it with
// vm_config.environment_variables). A nil Env has no variables.
type Env func(name string) (string, bool)

// resolveValue turns a configured credential into its value. The whole value is either a
// literal or exactly "${NAME}" (NAME: letters, digits and '_', not starting with a digit).
// A literal containing "${" anywhere else is refused as a probable typo rather than sent
// upstream verbatim. Errors name the path and the variable, never a value.
func resolveValue(v, path string, env Env) (string, error) {
	if !strings.Contains(v, "${") {
		if v == "" {
			return "", configerr.At(path, "must not be empty")
		}
		return v, nil
	}
	name, ok := envRef(v)
	if !ok {
		return "", configerr.At(path, `must be a literal or exactly "${NAME}" (NAME: letters, digits, _)`)
	}
	if env == nil {
		return "", configerr.At(path, "environment variable "+name+" is not set")
	}
	val, found := env(name)
	if !found {
		return "", configerr.At(path, "environment variable "+name+" is not set")
	}
	if val == "" {
		return "", configerr.At(path, "environment variable "+name+" is empty")
	}
	return val, nil
}

// envRef reports whether v is exactly "${NAME}" with a valid NAME, and returns NAME.
func envRef(v string) (string, bool) {
	if len(v) < 4 || !strings.HasPrefix(v, "${") || v[len(v)-1] != '}' {
		return "", false
	}
	name := v[2 : len(v)-1]
	for i := 0; i < len(name); i++ {
		c := name[i]
		letter := c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return "", false
		}
	}
	return name, true
}

// ResolveSecret resolves a configured secret that is not a scheme credential (an oauth2
// clientSecret): a literal or exactly "${NAME}", once, at start. Errors name the path and the
// variable, never a value.
func ResolveSecret(raw, path string, env Env) (Secret, error) {
	v, err := resolveValue(raw, path, env)
	if err != nil {
		return Secret{}, err
	}
	return NewSecret(v), nil
}

// IsEnvRef reports whether a configured value is an environment reference "${NAME}".
func IsEnvRef(raw string) bool {
	_, ok := envRef(raw)
	return ok
}
