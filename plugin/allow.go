package main

import (
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
)

// originAllowed implements the Streamable HTTP rule that servers validate
// Origin: an Origin header must be on bridge.allowedOrigins ("*" allows any).
func originAllowed(cfg *config.Config, origin string) bool {
	for _, o := range cfg.Bridge.AllowedOrigins {
		if o == "*" || strings.EqualFold(o, origin) {
			return true
		}
	}
	return false
}

// allowFunc combines allowTools with the x-envoy-allow-mcp-tools header the
// way Higress does: an empty header means no restriction, otherwise the
// header's comma-separated list intersects allowTools. It can only narrow.
func allowFunc(cfg *config.Config, header string) func(string) bool {
	if header == "" {
		if cfg.AllowTools == nil {
			return allowAll
		}
		return func(name string) bool { return cfg.AllowTools[name] }
	}
	return func(name string) bool {
		if cfg.AllowTools != nil && !cfg.AllowTools[name] {
			return false
		}
		return listContains(header, name)
	}
}

func allowAll(string) bool { return true }

func listContains(list, name string) bool {
	for len(list) > 0 {
		item := list
		if i := strings.IndexByte(list, ','); i >= 0 {
			item, list = list[:i], list[i+1:]
		} else {
			list = ""
		}
		if strings.TrimSpace(item) == name {
			return true
		}
	}
	return false
}
