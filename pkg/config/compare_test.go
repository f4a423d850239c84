package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// diffRequests compares our upstream request with Higress's, normalising only the listed
// deliberate differences (query-order, header-case, json-body-order). It returns one line per
// mismatch.
func diffRequests(ours *rest.Request, theirs *higressRequest) []string {
	noteNormalisations(ours, theirs)
	var diffs []string
	diff := func(what string, got, want any) {
		diffs = append(diffs, fmt.Sprintf("%s: ours %v, Higress %v", what, got, want))
	}
	if ours.Method != theirs.Method {
		diff("method", ours.Method, theirs.Method)
	}
	u, err := url.Parse(theirs.URL)
	if err != nil {
		return append(diffs, "Higress URL does not parse: "+err.Error())
	}
	if ours.Scheme != u.Scheme || ours.Authority != u.Host {
		diff("scheme://authority", ours.Scheme+"://"+ours.Authority, u.Scheme+"://"+u.Host)
	}
	// An empty path goes on the wire as "/" (RFC 9112 3.2.1): the same request.
	if p := u.EscapedPath(); ours.Path != p && !(p == "" && ours.Path == "/") {
		diff("path", ours.Path, p)
	}
	if g, w := pairs(ours.Query, false), queryPairs(u.RawQuery); !reflect.DeepEqual(g, w) {
		diff("query", g, w)
	}
	ourHeaders := ours.Headers
	switch {
	case sameBody(ours.Body, theirs.Body, headerValue(theirs.Headers, "content-type")):
	case string(rawJSONStrings(ours.Body)) == string(theirs.Body): // json-string-escaping
		if !json.Valid(theirs.Body) && headerValue(theirs.Headers, "content-type") == "" {
			// our body is valid JSON, so it is labelled as such; Higress's is not
			ourHeaders = withoutHeader(ourHeaders, "content-type")
		}
	default:
		diff("body", string(ours.Body), string(theirs.Body))
	}
	if g, w := pairs(maskUUIDs(ourHeaders), true), pairs(maskUUIDs(theirs.Headers), true); !reflect.DeepEqual(g, w) {
		diff("headers", g, w)
	}
	return diffs
}

// pairs sorts name/value pairs (names lowercased for headers) for an order-free comparison.
func pairs(kv [][2]string, lowerNames bool) []string {
	out := make([]string, 0, len(kv))
	for _, p := range kv {
		name := p[0]
		if lowerNames {
			name = strings.ToLower(name)
		}
		out = append(out, name+"="+p[1])
	}
	sort.Strings(out)
	return out
}

// uuidPattern matches the values of {{uuidv4}} (x-ca-nonce headers in Higress's Aliyun configs):
// random on both sides, so they compare as "<uuid>".
var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func maskUUIDs(kv [][2]string) [][2]string {
	out := make([][2]string, len(kv))
	for i, p := range kv {
		out[i] = p
		if uuidPattern.MatchString(p[1]) {
			out[i][1] = "<uuid>"
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

func withoutHeader(h [][2]string, name string) [][2]string {
	var out [][2]string
	for _, kv := range h {
		if !strings.EqualFold(kv[0], name) {
			out = append(out, kv)
		}
	}
	return out
}

func headerValue(h [][2]string, name string) string {
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}

// sameBody compares bodies as JSON values when both are JSON, as form values for form bodies,
// else byte for byte.
func sameBody(ours, theirs []byte, contentType string) bool {
	var a, b any
	if json.Unmarshal(ours, &a) == nil && json.Unmarshal(theirs, &b) == nil {
		return reflect.DeepEqual(a, b)
	}
	if strings.Contains(contentType, "application/x-www-form-urlencoded") {
		return reflect.DeepEqual(queryPairs(string(ours)), queryPairs(string(theirs)))
	}
	return string(ours) == string(theirs)
}

// unfilledPlaceholder reports whether a Higress URL still carries a percent-encoded {name}.
func unfilledPlaceholder(u string) bool {
	i := strings.Index(u, "%7B")
	return i >= 0 && strings.Contains(u[i:], "%7D")
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

// normalised counts, per deliberate difference, the compared requests it applied to.
var normalised = map[string]int{}

func noteNormalisations(ours *rest.Request, theirs *higressRequest) {
	if u, err := url.Parse(theirs.URL); err == nil && len(ours.Query) > 1 && ours.URI() != u.RequestURI() {
		normalised["query-order"]++
	}
	for _, h := range ours.Headers {
		if headerValue(theirs.Headers, h[0]) != "" && !hasExactHeader(theirs.Headers, h[0]) {
			normalised["header-case"]++
			break
		}
	}
	if string(ours.Body) != string(theirs.Body) && json.Valid(ours.Body) && json.Valid(theirs.Body) {
		normalised["json-body-order"]++
	}
	if string(ours.Body) != string(theirs.Body) && string(rawJSONStrings(ours.Body)) == string(theirs.Body) {
		normalised["json-string-escaping"]++
	}
}

func hasExactHeader(h [][2]string, name string) bool {
	for _, kv := range h {
		if kv[0] == name {
			return true
		}
	}
	return false
}
