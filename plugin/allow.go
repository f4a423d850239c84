package main

import (
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/origin"
)

// originAllowed implements the Streamable HTTP rule that servers validate
// Origin (pkg/origin): bridge.allowedOrigins, or loopback origins when unset.
func originAllowed(cfg *config.Config, o string) bool {
	return origin.Allowed(cfg.Bridge.AllowedOrigins, o)
}

// allowFunc combines allowTools with the x-envoy-allow-mcp-tools headers the
// way Higress does for one: an empty header means no restriction, otherwise
// the header's comma-separated list intersects allowTools. Several headers
// (set by several filters) narrow to their intersection: a tool must be on
// every non-empty list. Headers can only narrow.
func allowFunc(cfg *config.Config, headers []string) func(string) bool {
	lists := headers[:0:0]
	for _, h := range headers {
		if h != "" {
			lists = append(lists, h)
		}
	}
	if len(lists) == 0 {
		return cfg.Allowed
	}
	return func(name string) bool {
		if !cfg.Allowed(name) {
			return false
		}
		for _, l := range lists {
			if !listContains(l, name) {
				return false
			}
		}
		return true
	}
}

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
