package mcp

import (
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/jsonscan"
)

// Nesting limits. The envelope of a JSON-RPC message is a few levels deep
// (params._meta and its values included); arguments are the tool's data.
const (
	EnvelopeDepth            = 64
	DefaultMaxArgumentsDepth = 128
)

// scanBody runs the iterative validator over body before any gjson call
// (gjson's validator recurses per nesting level and traps the Wasm stack on
// a deeply nested body). A fatal result is the reply; otherwise soft is a
// duplicate-name or UTF-8 problem to refuse once the id is known.
func (s *Server) scanBody(body []byte) (out Outcome, soft *jsonscan.Error, ok bool) {
	res := jsonscan.Message(body, s.limits)
	if res.Err == nil {
		return out, nil, true
	}
	if !res.Err.Fatal() {
		return out, res.Err, true
	}
	if res.Err.Kind == jsonscan.KindSyntax {
		return framingError(nil, CodeParseError, "Parse error: body is not valid JSON"), nil, false
	}
	var id []byte
	if len(res.ID) > 0 {
		id = usableID(gjson.ParseBytes(res.ID)) // a scalar: no recursion
	}
	return scanRefusal(id, res.Err, ""), nil, false
}

// scanRefusal answers a body the scanner refused with HTTP 400: -32600 for
// a problem in the envelope, -32602 inside params. The text names the
// region and byte offset, never the content.
func scanRefusal(id []byte, e *jsonscan.Error, method string) Outcome {
	code, prefix := CodeInvalidParams, "Invalid params: "
	if e.Region == jsonscan.RegionEnvelope {
		code, prefix = CodeInvalidRequest, "Invalid Request: "
	}
	var what string
	switch e.Kind {
	case jsonscan.KindDepth:
		what = e.Region.String() + " is nested deeper than " + strconv.Itoa(e.Limit) + " levels"
	case jsonscan.KindDuplicate:
		what = "duplicate member name in " + e.Region.String()
	default:
		what = "a string in " + e.Region.String() + " is not valid UTF-8"
	}
	return replyError(400, id, code, prefix+what+" (byte "+strconv.Itoa(e.Offset)+")", nil, knownMethod(method))
}
