package mcp

import (
	"github.com/tidwall/gjson"
)

// emptyObject is the Arguments of a tools/call without arguments.
var emptyObject = gjson.Parse("{}")

// dispatch runs the method of a request whose era has been decided.
// initialize and ping exist only in Legacy, server/discover only in Modern
// (2026-07-28 changelog items 2, 3 and 5).
func (s *Server) dispatch(r *request, allowed func(string) bool) Outcome {
	switch r.method {
	case MethodToolsCall:
		return s.toolsCall(r, allowed)
	case MethodToolsList:
		return s.toolsList(r, allowed)
	case MethodDiscover:
		if r.era == Modern {
			return s.result(r, s.discover)
		}
	case MethodInitialize:
		if r.era == Legacy {
			return s.initialize(r)
		}
	case MethodPing:
		if r.era == Legacy {
			return s.result(r, []byte("{}"))
		}
	}
	return methodNotFound(r)
}

// methodNotFound: Modern answers 404 (2026-07-28 streamable-http "Protocol
// Version Header"), Legacy 200.
func methodNotFound(r *request) Outcome {
	status := 200
	if r.era == Modern {
		status = 404
	}
	return r.fail(status, CodeMethodNotFound, "Method not found: "+echo(r.method), nil)
}

// result replies 200 with a complete result object.
func (s *Server) result(r *request, obj []byte) Outcome {
	buf := make([]byte, 0, 40+len(r.id)+len(obj))
	buf = appendHead(buf, r.id)
	buf = append(buf, `"result":`...)
	buf = append(buf, obj...)
	return replyOK(r, append(buf, '}'))
}

func replyOK(r *request, body []byte) Outcome {
	return Outcome{Kind: Reply, Status: 200, ContentType: ContentTypeJSON, Body: body, Method: knownMethod(r.method)}
}

// initialize negotiates per 2025-11-25 lifecycle "Version Negotiation": echo
// the client's version if we serve it as legacy, else our newest legacy one.
func (s *Server) initialize(r *request) Outcome {
	pv := r.p[pProtocolVersion]
	if pv.Type != gjson.String {
		return r.fail(200, CodeInvalidParams, "Invalid params: initialize requires params.protocolVersion (a string)", nil)
	}
	v := LatestLegacyVersion
	if versionEra(pv.Str) == Legacy {
		v = pv.Str
	}
	buf := make([]byte, 0, 64+len(r.id)+len(s.initTail))
	buf = appendHead(buf, r.id)
	buf = append(buf, `"result":{"protocolVersion":"`...)
	buf = append(buf, v...)
	buf = append(buf, '"')
	buf = append(buf, s.initTail...)
	return replyOK(r, append(buf, '}'))
}

// toolsList returns the allowed entries in configured order as one page.
// We never issue a cursor, so any cursor is unknown (2026-07-28
// server/utilities/pagination "Error Handling": -32602).
func (s *Server) toolsList(r *request, allowed func(string) bool) Outcome {
	switch c := r.p[pCursor]; {
	case !c.Exists():
	case c.Type != gjson.String:
		return r.fail(200, CodeInvalidParams, "Invalid params: params.cursor must be a string", nil)
	default:
		return r.fail(200, CodeInvalidParams, "Invalid params: unknown cursor", nil)
	}
	buf := make([]byte, 0, 64+len(r.id)+s.listLen+len(s.listTail))
	buf = appendHead(buf, r.id)
	if r.era == Modern {
		buf = append(buf, `"result":{"resultType":"`+ResultTypeComplete+`","tools":[`...)
	} else {
		buf = append(buf, `"result":{"tools":[`...)
	}
	first := true
	for i, e := range s.entries {
		if allowed != nil && !allowed(s.names[i]) || r.era == Modern && s.legacy[i] {
			continue
		}
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, e...)
	}
	if r.era == Modern {
		buf = append(buf, s.listTail...)
	} else {
		buf = append(buf, ']', '}')
	}
	return replyOK(r, append(buf, '}'))
}

// toolsCall validates a tools/call and hands it to the plugin. Unknown and
// refused tools get the same error (2026-07-28 server/tools "Error
// Handling": "Unknown tool: <name>").
func (s *Server) toolsCall(r *request, allowed func(string) bool) Outcome {
	name := r.p[pName]
	if name.Type != gjson.String {
		return r.fail(200, CodeInvalidParams, "Invalid params: tools/call requires params.name (a string)", nil)
	}
	idx := s.cat.EntryIndex(name.Str)
	if idx < 0 || idx >= len(s.entries) || s.names[idx] != name.Str || (allowed != nil && !allowed(name.Str)) {
		return r.fail(200, CodeInvalidParams, "Unknown tool: "+echo(name.Str), nil)
	}
	if r.era == Modern && s.legacy[idx] {
		return s.legacyOnlyResult(r, s.names[idx])
	}
	args := r.p[pArguments]
	switch {
	case !args.Exists() || args.Type == gjson.Null:
		args = emptyObject
	case !args.IsObject():
		return r.fail(200, CodeInvalidParams, "Invalid params: params.arguments must be an object", nil)
	}
	if problem := checkParamHeaders(s.params[idx], r.h, args, r.era == Modern); problem != "" {
		return r.mismatch(problem)
	}
	return Outcome{Kind: ToolCall, Method: MethodToolsCall, Call: &Call{
		ID:        r.id,
		Era:       r.era,
		Version:   r.version,
		Tool:      s.names[idx],
		ToolIndex: idx,
		Arguments: args,
	}}
}

// legacyOnlyResult answers a modern tools/call of a legacy-only tool with a
// tool execution error, as Higress 2.2 does: the tool exists (legacy clients
// list and call it), so it is not "Unknown tool", but the modern era does
// not run it. It is checked before the arguments, as in Higress.
func (s *Server) legacyOnlyResult(r *request, name string) Outcome {
	msg := `Tool "` + name + `" is legacy-only: it is served only to clients of the initialize-based ` +
		`protocol revisions (` + LatestLegacyVersion + ` and earlier)`
	buf := make([]byte, 0, 96+len(r.id)+len(s.callPrefix)+len(msg))
	buf = appendHead(buf, r.id)
	buf = append(buf, `"result":{`...)
	buf = append(buf, s.callPrefix...)
	buf = append(buf, `,"content":[{"type":"text","text":`...)
	buf = gjson.AppendJSONString(buf, msg)
	buf = append(buf, `}],"isError":true}}`...)
	return replyOK(r, buf)
}
