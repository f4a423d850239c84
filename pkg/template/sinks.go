package template

import (
	"strconv"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"
)

// TextSink collects rendered text as it is; for a header value it refuses values with a
// control character (a tab aside).
type TextSink struct {
	buf    []byte
	err    error
	header string // header name when rendering a header value
}

// Reset empties the sink, keeping its buffer; header names the header being rendered ("" for
// plain text).
func (s *TextSink) Reset(header string) { s.buf, s.err, s.header = s.buf[:0], nil, header }

// Bytes returns the rendered text; it is valid until the next Reset.
func (s *TextSink) Bytes() []byte { return s.buf }

func (s *TextSink) Text(p string)                 { s.buf = append(s.buf, p...) }
func (s *TextSink) Placeholder(p string, arg int) { s.Value(p, arg) }
func (s *TextSink) Err() error                    { return s.err }

func (s *TextSink) Value(p string, arg int) {
	if s.header != "" && httpsyntax.HasControl(p) {
		s.err = &ValueError{Msg: "invalid arguments: header " + strconv.Quote(s.header) + " would contain a control character", Arg: arg}
		return
	}
	s.buf = append(s.buf, p...)
}

// BodySink renders a request body. In a JSON body, a value inside a JSON string literal is
// JSON-escaped, and a value outside one must be exactly one JSON value (a number, true, false,
// null, a quoted string, an object or an array), so no value can add or rewrite a member; in a
// form body values are form-escaped; otherwise values are written as they are.
type BodySink struct {
	buf       []byte
	json      bool
	form      bool
	inStr     bool
	afterBack bool
	err       error
	escaped   bool // JSON escaping changed a value
}

// Reset starts a body in buf (emptied, its capacity reused).
func (b *BodySink) Reset(buf []byte, json, form bool) {
	*b = BodySink{buf: buf[:0], json: json, form: form}
}

// Bytes returns the rendered body.
func (b *BodySink) Bytes() []byte { return b.buf }

// Escaped reports whether JSON escaping changed a value inside a string literal, so the body
// differs from the raw rendering Higress makes (which may not even be JSON).
func (b *BodySink) Escaped() bool { return b.escaped }

func (b *BodySink) Err() error { return b.err }

func (b *BodySink) Text(s string) {
	b.buf = append(b.buf, s...)
	if b.json {
		b.scan(s)
	}
}

func (b *BodySink) Placeholder(s string, arg int) { b.Value(s, arg) }

func (b *BodySink) Value(s string, arg int) {
	switch {
	case b.err != nil:
	case b.json && b.inStr:
		n := len(b.buf)
		b.buf = jsonenc.AppendStringContent(b.buf, s)
		b.escaped = b.escaped || len(b.buf)-n != len(s) // escaping only ever adds bytes
	case b.form:
		b.buf = urlenc.AppendQuery(b.buf, s)
	case b.json:
		// A complete JSON value leaves the string-literal state as it found it, so it is not
		// scanned.
		if !gjson.Valid(s) {
			b.err = &ValueError{Msg: notOneJSONValue, Arg: arg}
			return
		}
		b.buf = append(b.buf, s...)
	default:
		b.buf = append(b.buf, s...)
	}
}

// notOneJSONValue is the refusal of a value placed outside a string literal of a JSON body that
// is not exactly one JSON value.
const notOneJSONValue = "invalid arguments: a value placed outside a JSON string in the request body " +
	"must be exactly one JSON value (a number, true, false, null, a quoted string, an object or an array)"

// scan tracks whether the JSON written so far ends inside a string literal.
func (b *BodySink) scan(s string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !b.inStr:
			b.inStr = c == '"'
		case b.afterBack:
			b.afterBack = false
		case c == '\\':
			b.afterBack = true
		case c == '"':
			b.inStr = false
		}
	}
}
