package metrics

import "strings"

// Set holds every counter of one configuration, defined by New. A nil *Set counts nothing.
type Set struct {
	requests [len(methods)][numRequestOutcomes]Counter
	tools    [][numToolOutcomes]Counter // by tool index (config order)
	auth     [numAuthReasons]Counter
	fetches  [][numFetchOutcomes]Counter // by position in schemes
	schemes  map[string]int              // oauth2 scheme id -> slot; read-only after New
}

// New defines every counter for a configuration whose tools are named tools (config order)
// and whose OAuth2 schemes (the ones with a token endpoint) are schemes.
func New(define Define, tools, schemes []string) *Set {
	s := newSet(tools, schemes)
	s.walk(tools, schemes, func(name string, slot *Counter) { *slot = define(name) })
	return s
}

// Names lists every counter name New defines, in definition order.
func Names(tools, schemes []string) []string {
	var out []string
	newSet(tools, schemes).walk(tools, schemes, func(name string, _ *Counter) { out = append(out, name) })
	return out
}

func newSet(tools, schemes []string) *Set {
	s := &Set{tools: make([][numToolOutcomes]Counter, len(tools)),
		fetches: make([][numFetchOutcomes]Counter, len(schemes)), schemes: make(map[string]int, len(schemes))}
	for i, id := range schemes {
		s.schemes[id] = i
	}
	return s
}

// walk visits each slot with its full name; New and Names share it so they cannot disagree.
func (s *Set) walk(tools, schemes []string, visit func(name string, slot *Counter)) {
	for m, method := range methods {
		for o, outcome := range requestOutcomes {
			visit(Prefix+"method."+method+".outcome."+outcome+".requests", &s.requests[m][o])
		}
	}
	for i, tool := range tools {
		t := Label(tool)
		for o, outcome := range toolOutcomes {
			visit(Prefix+"tool."+t+".outcome."+outcome+".tool_calls", &s.tools[i][o])
		}
	}
	for r, reason := range authReasons {
		visit(Prefix+"reason."+reason+".auth_failures", &s.auth[r])
	}
	for i, id := range schemes {
		l := Label(id)
		for o, outcome := range fetchOutcomes {
			visit(Prefix+"scheme."+l+".outcome."+outcome+".token_fetches", &s.fetches[i][o])
		}
	}
}

// TokenFetch counts one token request of the OAuth2 scheme id; an id New was not given
// counts nothing.
func (s *Set) TokenFetch(scheme string, o FetchOutcome) {
	if s == nil || o >= numFetchOutcomes {
		return
	}
	if i, ok := s.schemes[scheme]; ok {
		s.fetches[i][o].Increment(1)
	}
}

// Request counts one MCP POST; method is the JSON-RPC method ("" when unknown).
func (s *Set) Request(method string, o RequestOutcome) {
	if s != nil && o < numRequestOutcomes {
		s.requests[methodSlot(method)][o].Increment(1)
	}
}

// ToolCall counts one tools/call of the tool at index tool (config order).
func (s *Set) ToolCall(tool int, o ToolOutcome) {
	if s != nil && tool >= 0 && tool < len(s.tools) && o < numToolOutcomes {
		s.tools[tool][o].Increment(1)
	}
}

// AuthFailure counts one refused client credential.
func (s *Set) AuthFailure(r AuthReason) {
	if s != nil && r < numAuthReasons {
		s.auth[r].Increment(1)
	}
}

// Label makes a configured name (tool, scheme id) safe as one tag value: every byte outside
// [A-Za-z0-9_-] becomes '_'. A '.' would split the value into two name segments and break
// tag extraction; MCP tool names may contain one ("orders.list" counts as "orders_list").
func Label(name string) string {
	if name == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '-':
			return r
		}
		return '_'
	}, name)
}
