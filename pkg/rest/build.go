package rest

import (
	"errors"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/httpsyntax"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

// SourceAddressHeader is a pseudo client header the plugin may add to clientHeaders (the
// downstream peer address, from the "source.address" property) for tools whose templates call
// getSocketIP or getRealIP; see Tool.UsesClientAddress.
const SourceAddressHeader = ":source-address"

// Build fills dst from the tool's request template and the call's arguments. clientHeaders is
// read only for the forwarded headers (isForwardedHeader: tracing and the client's context,
// such as user-agent and x-forwarded-for), the client's content-type when the tool sets none
// (see copyContentType) and, for getRealIP/getSocketIP, x-forwarded-for and
// SourceAddressHeader; nothing else from the client is copied. Errors are *CallError.
func (call *Call) Build(clientHeaders [][2]string, dst *Request) error {
	t := call.tool
	if t == nil {
		return callErr("rest: the call was not prepared")
	}
	if t.req == nil {
		return callErr("tool " + quote(t.name) + " has no upstream request")
	}
	dst.Reset()
	if hc, qc := t.req.headerCap, t.req.queryCap; cap(dst.Headers) < hc && cap(dst.Query) < qc {
		pairs := make([][2]string, hc+qc) // one allocation for both; a full slice grows apart
		dst.Headers, dst.Query = pairs[:0:hc], pairs[hc:hc:hc+qc]
	} else if cap(dst.Headers) < hc {
		dst.Headers = make([][2]string, 0, hc)
	} else if cap(dst.Query) < qc {
		dst.Query = make([][2]string, 0, qc)
	}
	call.client, call.dataState = clientHeaders, 0
	defer func() { call.client = nil }() // the headers are the caller's: keep no reference
	dst.Method = t.req.method
	if err := t.buildURL(dst, call); err != nil {
		return err
	}
	if err := t.buildHeaders(dst, call); err != nil {
		return err
	}
	if err := t.buildBody(dst, call); err != nil {
		return err
	}
	copyContentType(dst, clientHeaders)
	dst.addDefaultHeader("accept", "*/*")
	copyForwarded(dst, clientHeaders)
	return nil
}

// copyContentType keeps the client's content-type (an MCP POST's "application/json") when
// neither a template header, a header arg nor the body set one, as Higress does: its RouteCall
// rewrites the client's request in place, so that header survives on bodyless requests and
// under body templates that are not JSON. Configs written for Higress API markets rely on it.
func copyContentType(r *Request, client [][2]string) {
	if _, ok := r.Header("content-type"); ok {
		return
	}
	for _, kv := range client {
		if httpsyntax.Lower(kv[0]) == "content-type" {
			if !httpsyntax.HasControl(kv[1]) {
				r.Headers = append(r.Headers, [2]string{"content-type", kv[1]})
			}
			return
		}
	}
}

func (t *Tool) buildURL(r *Request, call *Call) error {
	r.url.Reset(t.req.urlCap)
	if err := t.req.url.Render(&r.url, call); err != nil {
		return t.templateFailure("requestTemplate.url", err)
	}
	if err := t.setURL(r, string(r.url.Bytes()), call); err != nil {
		return err
	}
	for i := range t.args {
		a := &t.args[i]
		if v := call.vals[i]; v.Exists() && (a.pos == posQuery || a.pos == posNone && t.req.argsToURLParam) {
			r.SetQuery(a.name, argText(v))
		}
	}
	return nil
}

func (t *Tool) buildHeaders(r *Request, call *Call) error {
	for i := range t.req.headers {
		h := &t.req.headers[i]
		v := h.value
		if h.tmpl != nil {
			r.text.Reset(h.name)
			if err := h.tmpl.Render(&r.text, call); err != nil {
				return t.templateFailure("requestTemplate header "+quote(h.name), err)
			}
			v = string(r.text.Bytes())
			if httpsyntax.HasControl(v) { // defence in depth: compile checked the text, the sink the values
				return callErr("invalid arguments: header " + quote(h.name) + " would contain a control character")
			}
		}
		r.Headers = append(r.Headers, [2]string{h.name, v})
	}
	for i := range t.args {
		a := &t.args[i]
		v := call.vals[i]
		if !v.Exists() || a.pos != posHeader && a.pos != posCookie {
			continue
		}
		s := argText(v)
		if a.pos == posHeader {
			if httpsyntax.HasControl(s) {
				return callErr("invalid arguments: " + quote(a.name) + " must not contain control characters (it is sent as a header)")
			}
			r.SetHeader(a.lname, s)
			continue
		}
		if !httpsyntax.IsCookieValueSafe(s) {
			return callErr("invalid arguments: " + quote(a.name) + " must not contain ';' or control characters (it is sent as a cookie)")
		}
		r.appendCookie(a.name, s)
	}
	return nil
}

// appendCookie adds name=value to the Cookie header (Higress joins cookie args with "; ").
func (r *Request) appendCookie(name, value string) {
	for i := range r.Headers {
		if r.Headers[i][0] == "cookie" {
			if r.Headers[i][1] != "" {
				r.Headers[i][1] += "; "
			}
			r.Headers[i][1] += name + "=" + value
			return
		}
	}
	r.Headers = append(r.Headers, [2]string{"cookie", name + "=" + value})
}

// copyForwarded copies the client headers that Higress forwards (its RouteCall rewrites the
// client's request in place) and that cannot carry a credential or a session: tracing, and
// what tells the backend who the caller is and how it came (user-agent, accept-language,
// x-forwarded-*, forwarded, x-real-ip). Everything else the client sent (authorization,
// cookies, session ids, custom headers) was addressed to the gateway and is not copied: the
// plugin cannot tell a custom header from a credential.
func copyForwarded(r *Request, client [][2]string) {
	for _, kv := range client {
		if !isForwardedHeader(kv[0]) || httpsyntax.HasControl(kv[1]) {
			continue
		}
		r.addDefaultHeader(httpsyntax.Lower(kv[0]), kv[1])
	}
}

// isForwardedHeader reports whether name is one of the only client headers Build copies
// upstream. Hosts deliver lower-case names, so the common case costs a length test, a
// first-byte test and one switch, with no allocation.
func isForwardedHeader(name string) bool {
	if len(name) < 2 || len(name) > 24 {
		return false
	}
	switch name[0] | 0x20 {
	case 't', 'x', 'b', 'u', 'a', 'f':
	default:
		return false
	}
	switch httpsyntax.Lower(name) {
	case "traceparent", "tracestate", "x-request-id", "x-b3-traceid", "x-b3-spanid",
		"x-b3-parentspanid", "x-b3-sampled", "x-b3-flags", "b3",
		"user-agent", "accept-language", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
		"x-forwarded-port", "forwarded", "x-real-ip", "x-envoy-external-address":
		return true
	}
	return false
}

// clientAddresses returns what Higress's getRealIP and getSocketIP return: the first
// X-Forwarded-For address (else the peer address) and the peer address, without ports.
func clientAddresses(client [][2]string) (real, socket string) {
	for _, kv := range client {
		switch httpsyntax.Lower(kv[0]) {
		case "x-forwarded-for":
			if real == "" {
				real = parseIP(kv[1], true)
			}
		case SourceAddressHeader:
			socket = parseIP(kv[1], false)
		}
	}
	if real == "" {
		real = socket
	}
	return real, socket
}

// parseIP strips the port (and, for a header, everything after the first address).
func parseIP(s string, fromHeader bool) string {
	if fromHeader {
		s, _, _ = strings.Cut(s, ",")
	}
	s = strings.TrimSpace(s)
	if strings.Contains(s, ".") {
		s, _, _ = strings.Cut(s, ":")
		return s
	}
	if i := strings.IndexByte(s, ']'); i > 0 && s[0] == '[' {
		return s[1:i]
	}
	return s
}

// templateFailure turns a template error into a CallError: a refused value names its
// argument; an engine failure names the template and the failing action, without the engine's
// detail (which may quote data).
func (t *Tool) templateFailure(what string, err error) error {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce
	}
	var ve *template.ValueError
	if errors.As(err, &ve) {
		return callErr(ve.Msg + t.fromArg(ve.Arg))
	}
	var me *template.MissingArgError
	if errors.As(err, &me) {
		return t.missingPlaceholder(t.args[me.Arg].name)
	}
	msg := what + " could not be rendered"
	if loc := template.Location(err); loc != "" {
		msg += ": " + loc
	}
	return callErr(msg)
}

// fromArg names the argument a refused value came from, for messages.
func (t *Tool) fromArg(arg int) string {
	if arg < 0 {
		return " (from a template value)"
	}
	return " (argument " + quote(t.args[arg].name) + ")"
}

func (t *Tool) missingPlaceholder(name string) error {
	return callErr("invalid arguments: missing " + quote(name) + " for the URL placeholder {" + name + "}")
}
