package rest

import (
	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// CallError is a per-call refusal (bad arguments, a value that cannot be placed safely, a
// template that failed). Msg is meant for the tool result: it names arguments, never values.
type CallError struct{ Msg string }

func (e *CallError) Error() string { return e.Msg }

func callErr(msg string) *CallError { return &CallError{Msg: msg} }

// Call is one tools/call of a tool, made by Tool.Prepare: its arguments, validated and
// resolved (defaults applied), which Build, LocalResult and ConvertResponse all read, so the
// arguments are walked once per call. The zero Call is unprepared. A Call can be reused for
// many calls (Prepare overwrites it, keeping its buffers); it holds references into the
// arguments' JSON, so that JSON must stay unchanged while the Call is used.
type Call struct {
	tool      *Tool
	vals      []gjson.Result // vals[i]: the value of tool.args[i] (Exists() false when absent)
	client    [][2]string    // the client's headers during Build, for getRealIP/getSocketIP
	dataBuf   []byte
	dataState uint8 // 0 none, 1 built without _client, 2 built with _client
	scratch   []byte
}

// Arg returns the text of argument i as templates print it, and whether it has a value.
func (c *Call) Arg(i int) (string, bool) {
	v := c.vals[i]
	return argText(v), v.Exists()
}

// Data returns {"config":...,"args":{...}} (+ "_client" for getRealIP/getSocketIP), the data
// Higress gives request templates; args are the declared ones, with defaults applied.
func (c *Call) Data(withClient bool) []byte {
	want := uint8(1)
	if withClient {
		want = 2
	}
	if c.dataState >= want {
		return c.dataBuf
	}
	b := append(c.dataBuf[:0], `{"config":`...)
	b = append(b, c.tool.config...)
	b = append(b, `,"args":`...)
	b = c.tool.appendArgsObject(b, c.vals, nil)
	if withClient {
		real, socket := clientAddresses(c.client)
		b = append(b, `,"_client":{"realIP":`...)
		b = jsonenc.AppendString(b, real)
		b = append(b, `,"socketIP":`...)
		b = jsonenc.AppendString(b, socket)
		b = append(b, '}')
	}
	c.dataBuf, c.dataState = append(b, '}'), want
	return c.dataBuf
}

var _ template.Values = (*Call)(nil)
