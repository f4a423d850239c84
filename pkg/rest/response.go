package rest

import (
	"bytes"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jsonenc"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// responsePlan is how a REST response becomes a tool result.
type responsePlan struct {
	body            *template.Template // responseTemplate.body, nil when unset
	prepend, append string
	errBody         *template.Template // errorResponseTemplate, nil when unset
}

// ResponseTexts returns prependBody and appendBody, and whether a template (responseTemplate.body
// or errorResponseTemplate) renders the tool's results: the plugin's response redaction needs a
// second pass over the final message only when text it did not see can join the body.
func (t *Tool) ResponseTexts() (prepend, appendText string, templated bool) {
	return t.resp.prepend, t.resp.append, t.resp.body != nil || t.resp.errBody != nil
}

// ReadsResponse reports whether AppendResponse parses the body as JSON for this status and
// content type: errorResponseTemplate for a non-2xx status (whatever the content type),
// outputSchema or responseTemplate.body for a 2xx that is not an image. gjson's validator and
// the templates recurse once per nesting level, so the plugin bounds the body's nesting before
// such a parse; a body that is only escaped into text content (or base64 of an image, or an
// excerpt of an error) is never parsed, and its nesting does not matter.
func (call *Call) ReadsResponse(status int, contentType string) bool {
	t := call.tool
	switch {
	case t == nil:
		return false
	case status < 200 || status > 299:
		return t.resp.errBody != nil
	case strings.HasPrefix(mediaType(contentType), "image/"):
		return false
	}
	return t.outSchema || t.resp.body != nil
}

// ConvertResponse turns the REST response into a CallToolResult JSON object.
//   - non-2xx: isError, text errorResponseTemplate (when set and not empty) or
//     "HTTP <status>: <body excerpt of at most maxExcerpt bytes>";
//   - image/*: an image content (as Higress);
//   - outputSchema set and a JSON object body: the body as text and as structuredContent;
//   - else text = responseTemplate.body rendered over the JSON body (plus .args when the
//     template names them), or
//     prependBody + body + appendBody; "success" when that is empty (as Higress).
func (call *Call) ConvertResponse(status int, contentType string, body []byte, maxExcerpt int) []byte {
	return closeResult(call.AppendResponse(openResult(1), status, contentType, body, maxExcerpt))
}

// AppendResponse appends the members of ConvertResponse's object (without its braces) to dst,
// growing it once for the common case. The plugin appends them straight after the JSON-RPC
// envelope (mcp.Server.AppendResultOpen), so the body is escaped once, into the message the
// client gets, rather than into a result that is then copied into an envelope. The members
// never include resultType or _meta.
func (call *Call) AppendResponse(dst []byte, status int, contentType string, body []byte, maxExcerpt int) []byte {
	t := call.tool
	if t == nil {
		return appendText(dst, "rest: the call was not prepared", true)
	}
	if status < 200 || status > 299 {
		return appendText(dst, call.errorText(status, contentType, body, maxExcerpt), true)
	}
	if mt := mediaType(contentType); strings.HasPrefix(mt, "image/") {
		return appendImage(dst, body, mt)
	}
	if t.outSchema {
		if obj := bytes.TrimSpace(body); len(obj) > 0 && obj[0] == '{' && gjson.ValidBytes(obj) {
			return appendStructured(dst, obj)
		}
	}
	if t.resp.body == nil {
		if len(t.resp.prepend)+len(body)+len(t.resp.append) == 0 {
			return appendText(dst, "success", false)
		}
		b := slices.Grow(dst, len(t.resp.prepend)+len(body)+len(body)/4+len(t.resp.append)+64)
		b = append(b, `"content":[{"type":"text","text":"`...)
		b = jsonenc.AppendStringContent(b, t.resp.prepend)
		b = jsonenc.AppendStringContent(b, unsafeString(body))
		b = jsonenc.AppendStringContent(b, t.resp.append)
		return append(b, `"}],"isError":false`...)
	}
	data, ok := dataOverBody(body, call.argsFor(t.resp.body), "")
	if !ok {
		return appendText(dst, "HTTP "+strconv.Itoa(status)+": the response is not JSON, so responseTemplate "+
			"cannot be applied: "+excerpt(body, maxExcerpt), true)
	}
	text, err := renderText(t.resp.body, data, nil)
	if err != nil {
		return appendText(dst, t.templateFailure("responseTemplate", err).Error(), true)
	}
	if text == "" {
		text = "success"
	}
	return appendText(dst, text, false)
}

// errorText is the text of a non-2xx response's result. When errorResponseTemplate fails, it
// says so (naming the failing action, never the data) next to the status and the excerpt.
// errorResponseTemplate sees the JSON body (or {} when the body is not JSON) plus "_headers"
// {":status", "content-type"} and, when it names them, "args".
func (call *Call) errorText(status int, contentType string, body []byte, maxExcerpt int) string {
	t := call.tool
	st := strconv.Itoa(status)
	if t.resp.errBody != nil {
		h := []byte(`{":status":`)
		h = jsonenc.AppendString(h, st)
		h = append(h, `,"content-type":`...)
		h = jsonenc.AppendString(h, contentType)
		h = append(h, '}')
		args := call.argsFor(t.resp.errBody)
		data, ok := dataOverBody(body, args, string(h))
		if !ok {
			data, _ = dataOverBody(nil, args, string(h))
		}
		text, err := renderText(t.resp.errBody, data, nil)
		if err != nil {
			msg := "HTTP " + st + ": " + t.templateFailure("errorResponseTemplate", err).Error()
			if ex := excerpt(body, maxExcerpt); ex != "" {
				msg += "; response: " + ex
			}
			return msg
		}
		if strings.TrimSpace(text) != "" {
			return text
		}
	}
	msg := "HTTP " + st
	if ex := excerpt(body, maxExcerpt); ex != "" {
		msg += ": " + ex
	}
	return msg
}

// LocalResult answers a tool without upstream: its responseTemplate rendered over
// {"config":...,"args":...}; structuredContent when outputSchema is set and the text is a
// JSON object.
func (call *Call) LocalResult() []byte {
	t := call.tool
	if t == nil {
		return ErrorResult("rest: the call was not prepared")
	}
	if t.resp.body == nil {
		return ErrorResult("tool " + quote(t.name) + " has no responseTemplate")
	}
	text, err := renderText(t.resp.body, nil, call)
	if err != nil {
		return ErrorResult(t.templateFailure("responseTemplate", err).Error())
	}
	if t.outSchema {
		if obj := bytes.TrimSpace([]byte(text)); len(obj) > 0 && obj[0] == '{' && gjson.ValidBytes(obj) {
			return closeResult(appendStructured(openResult(2*len(obj)+len(obj)/4+96), obj))
		}
	}
	return textResult(text, false)
}

// ErrorResult returns {"content":[{"type":"text","text":msg}],"isError":true}.
func ErrorResult(msg string) []byte { return textResult(msg, true) }

// AppendErrorResult appends the members of ErrorResult(msg) (without its braces) to dst.
func AppendErrorResult(dst []byte, msg string) []byte { return appendText(dst, msg, true) }

func textResult(text string, isError bool) []byte {
	return closeResult(appendText(openResult(len(text)+len(text)/8+64), text, isError))
}

func openResult(size int) []byte  { return append(make([]byte, 0, size), '{') }
func closeResult(b []byte) []byte { return append(b, '}') }

func appendText(dst []byte, text string, isError bool) []byte {
	b := slices.Grow(dst, len(text)+len(text)/8+64)
	b = append(b, `"content":[{"type":"text","text":`...)
	b = jsonenc.AppendString(b, text)
	if isError {
		return append(b, `}],"isError":true`...)
	}
	return append(b, `}],"isError":false`...)
}

func appendStructured(dst, obj []byte) []byte {
	b := slices.Grow(dst, 2*len(obj)+len(obj)/4+96)
	b = append(b, `"content":[{"type":"text","text":`...)
	b = jsonenc.AppendString(b, unsafeString(obj))
	b = append(b, `}],"structuredContent":`...)
	b = append(b, obj...)
	return append(b, `,"isError":false`...)
}

func appendImage(dst, body []byte, mimeType string) []byte {
	b := slices.Grow(dst, base64.StdEncoding.EncodedLen(len(body))+len(mimeType)+96)
	b = append(b, `"content":[{"type":"image","data":"`...)
	b = base64.StdEncoding.AppendEncode(b, body)
	b = append(b, `","mimeType":`...)
	b = jsonenc.AppendString(b, mimeType)
	return append(b, `}],"isError":false`...)
}

func mediaType(ct string) string {
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	return httpsyntax.Lower(strings.TrimSpace(ct))
}

// excerpt returns the trimmed body cut to at most max bytes at a UTF-8 boundary, with "…"
// when cut; "" when max <= 0.
func excerpt(body []byte, max int) string {
	body = bytes.TrimSpace(body)
	if max <= 0 || len(body) == 0 {
		return ""
	}
	if len(body) <= max {
		return string(body)
	}
	cut := max
	for cut > 0 && cut > max-utf8.UTFMax && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut]) + "…"
}

// argsFor returns the call's resolved args as a JSON object for a response template that may
// read them, else nil: Higress renders response templates over the body alone, so a template
// that does not name args ({{ . }}) must not see an extra member.
func (call *Call) argsFor(tp *template.Template) []byte {
	if !tp.UsesArgs() {
		return nil
	}
	return call.tool.appendArgsObject(nil, call.vals, nil)
}

// dataOverBody builds a response template's data: the JSON body with "_headers" (when headers
// != "") and "args" (when args != nil) added after its own fields. gjson reads the first
// occurrence of a key, so a body field named "args" or "_headers" wins over ours. A JSON array
// body, or an object with nothing to add, is the data as is; an empty body becomes {}. ok is
// false when the body is not JSON.
func dataOverBody(body, args []byte, headers string) (data []byte, ok bool) {
	obj := bytes.TrimSpace(body)
	switch {
	case len(obj) == 0:
		obj = []byte("{}")
	case obj[0] == '[' && gjson.ValidBytes(obj):
		return body, true
	case obj[0] != '{' || !gjson.ValidBytes(obj):
		return nil, false
	case args == nil && headers == "":
		return body, true // as sent, surrounding whitespace included: {{ . }} prints it as Higress does
	}
	data = make([]byte, 0, len(obj)+len(args)+len(headers)+32)
	data = append(data, obj[:len(obj)-1]...)
	if len(bytes.TrimSpace(obj[1:len(obj)-1])) > 0 {
		data = append(data, ',')
	}
	if headers != "" {
		data = append(data, `"_headers":`...)
		data = append(data, headers...)
	}
	if args != nil {
		if headers != "" {
			data = append(data, ',')
		}
		data = append(data, `"args":`...)
		data = append(data, args...)
	}
	return append(data, '}'), true
}

// renderText renders a response template: over data (the REST body) when given, else over the
// call's {config, args}.
func renderText(tp *template.Template, data []byte, call *Call) (string, error) {
	var s template.TextSink
	var err error
	if data != nil {
		err = tp.RenderData(&s, data)
	} else {
		err = tp.Render(&s, call)
	}
	if err != nil {
		return "", err
	}
	return string(s.Bytes()), nil
}

// unsafeString views b as a string without copying; b must not change while the string is used.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(unsafe.SliceData(b), len(b))
}
