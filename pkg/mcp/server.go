package mcp

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Server answers MCP requests for one configuration. It is immutable after
// NewServer and safe for concurrent use.
type Server struct {
	cat     Catalog
	entries [][]byte
	names   []string
	params  [][]paramHeader // x-mcp-header annotations per tool index
	legacy  []bool          // legacy[i]: tool i is legacy-only (Catalog.LegacyOnly)
	listLen int             // total size of entries, to size tools/list
	limits  jsonscan.Limits // nesting limits of request bodies

	meta       []byte // `"_meta":{"io.modelcontextprotocol/serverInfo":{...}}`
	listTail   []byte // modern tools/list after the tools array
	discover   []byte // server/discover result object
	initTail   []byte // initialize result after protocolVersion
	callPrefix []byte // modern tools/call result members we add
}

// NewServer validates opts and the catalog's x-mcp-header annotations and
// precomputes every static part of the responses.
func NewServer(opts Options, cat Catalog) (*Server, error) {
	if err := checkOptions(&opts); err != nil {
		return nil, err
	}
	s := &Server{cat: cat, entries: cat.Entries(), names: cat.Names(),
		limits: jsonscan.Limits{Envelope: EnvelopeDepth, Arguments: opts.MaxArgumentsDepth}}
	if len(s.entries) != len(s.names) {
		return nil, fmt.Errorf("mcp: catalog has %d entries but %d names", len(s.entries), len(s.names))
	}
	s.params = make([][]paramHeader, len(s.entries))
	s.legacy = make([]bool, len(s.entries))
	for i, e := range s.entries {
		s.legacy[i] = cat.LegacyOnly(i)
		if !gjson.ValidBytes(e) || !gjson.ParseBytes(e).IsObject() {
			return nil, fmt.Errorf("mcp: tool %q: list entry is not a JSON object", s.names[i])
		}
		ph, err := scanParamHeaders(e)
		if err != nil {
			return nil, fmt.Errorf("mcp: tool %q: %w", s.names[i], err)
		}
		s.params[i] = ph
		s.listLen += len(e) + 1
	}
	s.buildStatic(&opts)
	return s, nil
}

func checkOptions(opts *Options) error {
	switch {
	case opts.Info.Name == "":
		return errors.New("mcp: server name is required")
	case opts.Info.Version == "":
		return errors.New("mcp: server version is required")
	case opts.ToolsTTLMs < 0:
		return fmt.Errorf("mcp: tools list TTL must be >= 0 ms, got %d", opts.ToolsTTLMs)
	case opts.MaxArgumentsDepth < 0:
		return fmt.Errorf("mcp: arguments depth limit must be >= 0, got %d", opts.MaxArgumentsDepth)
	case opts.MaxArgumentsDepth == 0:
		opts.MaxArgumentsDepth = DefaultMaxArgumentsDepth
	}
	switch opts.CacheScope {
	case "":
		opts.CacheScope = CacheScopePrivate
	case CacheScopePublic, CacheScopePrivate:
	default:
		return fmt.Errorf("mcp: cache scope must be %q or %q, got %q", CacheScopePublic, CacheScopePrivate, opts.CacheScope)
	}
	return nil
}

// buildStatic precomputes the constant response fragments.
func (s *Server) buildStatic(opts *Options) {
	info := appendServerInfo(nil, opts.Info)
	s.meta = append([]byte(`"_meta":{"`+MetaServerInfo+`":`), info...)
	s.meta = append(s.meta, '}')

	ttl := strconv.AppendInt(nil, opts.ToolsTTLMs, 10)
	s.listTail = append([]byte(`],"ttlMs":`), ttl...)
	s.listTail = append(s.listTail, `,"cacheScope":`...)
	s.listTail = gjson.AppendJSONString(s.listTail, opts.CacheScope)
	s.listTail = append(s.listTail, ',')
	s.listTail = append(s.listTail, s.meta...)
	s.listTail = append(s.listTail, '}')

	// server/discover says the same to every caller: always public.
	d := []byte(`{"resultType":"` + ResultTypeComplete + `","supportedVersions":`)
	d = appendVersionList(d, supportedVersions[:])
	d = append(d, `,"capabilities":{"tools":{}},`...)
	d = append(d, s.meta...)
	d = appendInstructions(d, opts.Info.Description)
	d = append(d, `,"ttlMs":`...)
	d = append(d, ttl...)
	d = append(d, `,"cacheScope":"`+CacheScopePublic+`"}`...)
	s.discover = d

	t := append([]byte(`,"capabilities":{"tools":{"listChanged":false}},"serverInfo":`), info...)
	t = appendInstructions(t, opts.Info.Description)
	s.initTail = append(t, '}')

	s.callPrefix = append([]byte(`"resultType":"`+ResultTypeComplete+`",`), s.meta...)
}

func appendInstructions(buf []byte, desc string) []byte {
	if desc == "" {
		return buf
	}
	buf = append(buf, `,"instructions":`...)
	return gjson.AppendJSONString(buf, desc)
}

// Handle processes one POST body. allowed (nil: all) applies allowTools and
// x-envoy-allow-mcp-tools; a tool it refuses is reported exactly like an
// unknown one. The Outcome's Call aliases body.
func (s *Server) Handle(allowed func(string) bool, h *Headers, body []byte) Outcome {
	if h == nil {
		h = &Headers{}
	}
	out, soft, ok := s.scanBody(body)
	if !ok {
		return out
	}
	msg, out, ok := parseMessage(body)
	if !ok {
		return out
	}
	if msg.kind != kindRequest {
		if soft != nil {
			return scanRefusal(nil, soft, msg.method)
		}
		return accept(h, msg.method)
	}
	r := request{id: msg.id, method: msg.method, h: h}
	if out, ok := r.readParams(msg.params); !ok {
		return out
	}
	if soft != nil {
		return scanRefusal(r.id, soft, r.method)
	}
	if out, ok := r.selectEra(); !ok {
		return out
	}
	return s.dispatch(&r, allowed)
}

// accept answers a notification or a posted response: 202, unless the
// MCP-Protocol-Version header names a version we do not serve (2025-11-25
// transports "Protocol Version Header": 400).
func accept(h *Headers, method string) Outcome {
	if v := h.ProtocolVersion; v != "" && versionEra(v) == 0 {
		return replyError(400, nil, CodeUnsupportedVersion, "Unsupported protocol version", unsupportedData(v), knownMethod(method))
	}
	return Outcome{Kind: Accepted, Status: 202, Method: knownMethod(method)}
}
