package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/accesslog"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// difference is one way our upstream request differs from Higress's for the same call.
type difference struct {
	class string // the deliberateDifferences id that explains it, "" when nothing does
	what  string // exactly what differs, with both values
}

// ourWire builds what the plugin sends upstream for one call: the request (Prepare, Build with
// the client's headers and peer address as plugin.clientView gives them), the credential step,
// the x-envoy-original-* headers (plugin.rewriteRequest; the corpus configs have no query
// credentials, so the client's path is kept whole), then the header map rest.Request.Wire
// hands the host. err is the call's refusal.
func ourWire(tool *Tool, args []byte, client clientRequest) (*wireRequest, error) {
	var call rest.Call
	if err := tool.Rest.Prepare(gjson.ParseBytes(args), &call); err != nil {
		return nil, err
	}
	view := client.Headers
	if tool.Rest.UsesClientAddress() && client.SourceAddress != "" {
		view = append(slices.Clip(view), [2]string{rest.SourceAddressHeader, client.SourceAddress})
	}
	var req rest.Request
	if err := call.Build(view, &req); err != nil {
		return nil, err
	}
	_, rawQuery, _ := strings.Cut(pairValue(client.Headers, ":path"), "?")
	if _, err := tool.Policy.Apply(security.Inbound{Headers: client.Headers, RawQuery: rawQuery}, &req); err != nil {
		return nil, err
	}
	accesslog.Set(&req, client.Headers, accesslog.OriginalPath(pairValue(client.Headers, ":path"), nil))
	return &wireRequest{Headers: req.Wire(client.Headers), Body: req.Body}, nil
}

// callDifferences compares one call's outcomes: a request on each side (diffWire), or a
// refusal on one side. Both refusing is no difference.
func callDifferences(ours *wireRequest, oerr error, theirs *wireRequest, herr error, client clientRequest) []difference {
	switch {
	case herr != nil && oerr != nil:
		return nil
	case herr != nil:
		return []difference{{"", fmt.Sprintf("Higress fails (%v), we send a request", herr)}}
	case oerr != nil:
		class, path := "", pairValue(theirs.Headers, ":path")
		switch {
		case unfilledPlaceholder(path) && strings.Contains(oerr.Error(), "for the URL placeholder {"):
			class = "unfilled-placeholder"
		case strings.HasPrefix(oerr.Error(), "invalid arguments: a value placed outside a JSON string in the request body"):
			class = "json-value-position" // Higress pastes the value raw
		}
		return []difference{{class, fmt.Sprintf("we refuse (%v), Higress sends %s", oerr, path)}}
	}
	return diffWire(ours, theirs, client)
}

// diffWire compares two upstream requests header by header and the body. Equivalent forms are
// not differences, and each is counted in normalised: query parameter order and encoding,
// JSON key order, form encoding, header order, and random {{uuidv4}} values.
func diffWire(ours, theirs *wireRequest, client clientRequest) []difference {
	var out []difference
	oh, th := headerMap(ours.Headers), headerMap(theirs.Headers)
	for _, name := range []string{":method", ":authority", ":scheme"} {
		if !slices.Equal(oh[name], th[name]) {
			class := ""
			if name == ":scheme" && slices.Equal(th[name], headerMap(client.Headers)[name]) {
				class = "scheme-from-url" // Higress leaves the client's
			}
			out = append(out, difference{class, fmt.Sprintf("%s: ours %q, Higress %q", name, oh[name], th[name])})
		}
	}
	out = append(out, diffPath(first(oh[":path"]), first(th[":path"]))...)
	class, bodyDiff := diffBody(ours.Body, theirs.Body, first(th["content-type"]))
	if bodyDiff != "" {
		out = append(out, difference{class, bodyDiff})
	}
	for _, name := range sortedNames(oh, th) {
		o, h := maskUUIDs(oh[name]), maskUUIDs(th[name])
		if strings.HasPrefix(name, ":") || slices.Equal(o, h) {
			continue
		}
		out = append(out, difference{classifyHeader(name, o, h, client), fmt.Sprintf("header %s: ours %q, Higress %q", name, o, h)})
	}
	return out
}

// classifyHeader names the deliberate difference behind a header that differs, or "".
func classifyHeader(name string, ours, theirs []string, client clientRequest) string {
	if len(ours) > 0 {
		return ""
	}
	if !slices.Equal(theirs, headerMap(client.Headers)[name]) {
		return ""
	}
	switch name {
	case "authorization", "proxy-authorization", "cookie":
		return "client-credentials"
	}
	return "client-headers"
}

// diffPath compares :path values: the path exactly (an empty path is "/" on the wire), the
// query as a multiset of decoded pairs.
func diffPath(ours, theirs string) []difference {
	var out []difference
	op, oq, _ := strings.Cut(ours, "?")
	tp, tq, _ := strings.Cut(theirs, "?")
	if op != tp && !(tp == "" && op == "/") {
		class := ""
		if ou, err1 := url.PathUnescape(op); err1 == nil {
			if tu, err2 := url.PathUnescape(tp); err2 == nil && ou == tu {
				class = "path-escaping"
			}
		}
		out = append(out, difference{class, fmt.Sprintf("path: ours %q, Higress %q", op, tp)})
	}
	if g, w := queryPairs(oq), queryPairs(tq); !reflect.DeepEqual(g, w) {
		out = append(out, difference{"", fmt.Sprintf("query: ours %q, Higress %q", oq, tq)})
	} else if oq != tq {
		normalised["query-order"]++
	}
	return out
}

// diffBody compares bodies as JSON values when both are JSON, as form values for a form
// content-type, else byte for byte; a body that differs only by the JSON escaping of values
// pasted into string literals is json-string-escaping.
func diffBody(ours, theirs []byte, contentType string) (class, what string) {
	if string(ours) == string(theirs) {
		return "", ""
	}
	var a, b any
	if json.Unmarshal(ours, &a) == nil && json.Unmarshal(theirs, &b) == nil && reflect.DeepEqual(a, b) {
		normalised["json-body-order"]++
		return "", ""
	}
	if strings.Contains(contentType, "application/x-www-form-urlencoded") &&
		reflect.DeepEqual(queryPairs(string(ours)), queryPairs(string(theirs))) {
		normalised["form-encoding"]++
		return "", ""
	}
	if string(rawJSONStrings(ours)) == string(theirs) {
		class = "json-string-escaping"
	}
	return class, fmt.Sprintf("body: ours %q, Higress %q", ours, theirs)
}

// headerMap groups header values by lower-case name, in order.
func headerMap(h [][2]string) map[string][]string {
	m := make(map[string][]string, len(h))
	for _, kv := range h {
		name := strings.ToLower(kv[0])
		m[name] = append(m[name], kv[1])
	}
	return m
}

func sortedNames(a, b map[string][]string) []string {
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func pairValue(h [][2]string, name string) string {
	return first(headerMap(h)[name])
}

// uuidPattern matches the values of {{uuidv4}} (x-ca-nonce headers in Higress's Aliyun configs):
// random on both sides, so they compare as "<uuid>".
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func maskUUIDs(vals []string) []string {
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = v
		if uuidPattern.MatchString(v) {
			out[i] = "<uuid>"
		}
	}
	return out
}

func queryPairs(raw string) []string {
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return []string{"unparsable query: " + raw}
	}
	out := []string{}
	for k, vs := range vals {
		for _, v := range vs {
			out = append(out, k+"="+v)
		}
	}
	sort.Strings(out)
	return out
}

// unfilledPlaceholder reports whether a Higress :path still carries a percent-encoded {name}.
func unfilledPlaceholder(path string) bool {
	i := strings.Index(path, "%7B")
	return i >= 0 && strings.Contains(path[i:], "%7D")
}

// rawJSONStrings undoes JSON escaping inside the string literals of a (JSON) body, giving the
// text Higress renders when it pastes values into a JSON body template unescaped.
func rawJSONStrings(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			out = append(out, b[i])
			continue
		}
		j := i + 1
		for j < len(b) && b[j] != '"' {
			if b[j] == '\\' {
				j++
			}
			j++
		}
		if j >= len(b) {
			return append(out, b[i:]...)
		}
		var s string
		if json.Unmarshal(b[i:j+1], &s) != nil {
			return append(out, b[i:]...)
		}
		out = append(append(append(out, '"'), s...), '"')
		i = j
	}
	return out
}

// normalised counts, per equivalent form, the compared requests it applied to.
var normalised = map[string]int{}
