package rest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// *Request is the upstream request pkg/security writes the credential into.
var _ security.Target = (*Request)(nil)

func TestRequestTarget(t *testing.T) {
	cases := []struct {
		name        string
		op          func(r *Request)
		wantHeaders [][2]string
		wantURI     string
	}{
		{"SetHeader replaces every value, case-insensitively", func(r *Request) { r.SetHeader("Authorization", "Bearer u") },
			[][2]string{{"authorization", "Bearer u"}, {"x-a", "1"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=1&api_key=q&k=2"},
		{"SetHeader appends when absent", func(r *Request) { r.SetHeader("X-New", "v") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}, {"x-new", "v"}}, "/p?k=1&api_key=q&k=2"},
		{"DelHeader removes every value", func(r *Request) { r.DelHeader("AUTHORIZATION") },
			[][2]string{{"x-a", "1"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=1&api_key=q&k=2"},
		{"DelHeader of an absent name changes nothing", func(r *Request) { r.DelHeader("x-none") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=1&api_key=q&k=2"},
		{"SetHeader of the last pair, then DelHeader of the first", func(r *Request) { r.SetHeader("cookie", "k=v"); r.DelHeader("authorization"); r.SetHeader("x-a", "2") },
			[][2]string{{"x-a", "2"}, {"cookie", "k=v"}}, "/p?k=1&api_key=q&k=2"},
		{"SetQuery replaces every value in place", func(r *Request) { r.SetQuery("k", "v w") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=v+w&api_key=q"},
		{"SetQuery is case-sensitive", func(r *Request) { r.SetQuery("K", "x") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=1&api_key=q&k=2&K=x"},
		{"DelQuery", func(r *Request) { r.DelQuery("api_key") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}}, "/p?k=1&k=2"},
		{"SetCookie replaces the pair", func(r *Request) { r.SetCookie("key", "s") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; b=2; key=s"}}, "/p?k=1&api_key=q&k=2"},
		{"DelCookie", func(r *Request) { r.DelCookie("a") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "key=c; b=2"}}, "/p?k=1&api_key=q&k=2"},
		{"DelCookie drops an empty header", func(r *Request) { r.DelCookie("a"); r.DelCookie("key"); r.DelCookie("b") },
			[][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}}, "/p?k=1&api_key=q&k=2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &Request{Path: "/p", Query: [][2]string{{"k", "1"}, {"api_key", "q"}, {"k", "2"}},
				Headers: [][2]string{{"authorization", "Bearer a"}, {"x-a", "1"}, {"authorization", "Bearer b"}, {"cookie", "a=1; key=c; b=2"}}}
			c.op(r)
			assert.Equal(t, c.wantHeaders, r.Headers)
			assert.Equal(t, c.wantURI, r.URI())
		})
	}
}

func TestSetCookieWithoutHeader(t *testing.T) {
	r := &Request{Path: "/"}
	r.SetCookie("sid", "x")
	r.DelCookie("nope")
	assert.Equal(t, [][2]string{{"cookie", "sid=x"}}, r.Headers)
}

func TestURI(t *testing.T) {
	r := &Request{Path: "/a%20b", Query: [][2]string{{"q", "a b&c=d/é"}, {"", ""}, {"k+", "~-._"}}}
	assert.Equal(t, "/a%20b?q=a+b%26c%3Dd%2F%C3%A9&=&k%2B=~-._", r.URI())
	assert.Equal(t, "/x", (&Request{Path: "/x"}).URI())
}

func TestIsForwardedHeader(t *testing.T) {
	for name, want := range map[string]bool{
		"traceparent": true, "TraceParent": true, "tracestate": true, "x-request-id": true, "X-B3-Flags": true,
		"x-b3-parentspanid": true, "b3": true, "B3": true,
		"user-agent": true, "User-Agent": true, "accept-language": true, "x-forwarded-for": true,
		"X-Forwarded-Proto": true, "x-forwarded-host": true, "x-forwarded-port": true, "forwarded": true,
		"x-real-ip": true, "x-envoy-external-address": true,
		"x-b3": false, "b3x": false, "authorization": false, "proxy-authorization": false, "x-api-key": false,
		"cookie": false, "t": false, "x-b3-parentspanidx": false, "": false, "accept": false,
		"accept-encoding": false, "x-forwarded-client-cert": false, "x-envoy-external-addressx": false,
		"mcp-session-id": false, "x-mse-consumer": false, "x-custom": false, "origin": false,
	} {
		if got := isForwardedHeader(name); got != want {
			t.Errorf("isForwardedHeader(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestWire(t *testing.T) {
	client := [][2]string{{":method", "POST"}, {":path", "/mcp"}, {":authority", "gw.example.com"}, {":scheme", "https"}, {"user-agent", "c"}}
	abs := &Request{Method: "GET", Scheme: "http", Authority: "api.example.com:8080", Path: "/v1/x", Query: [][2]string{{"q", "a b"}},
		Headers: [][2]string{{"accept", "*/*"}}}
	assert.Equal(t, [][2]string{{":method", "GET"}, {":path", "/v1/x?q=a+b"}, {":authority", "api.example.com:8080"}, {":scheme", "http"},
		{"accept", "*/*"}}, abs.Wire(client))
	rel := &Request{Method: "DELETE", Path: "/notes/1"}
	assert.Equal(t, [][2]string{{":method", "DELETE"}, {":path", "/notes/1"}, {":authority", "gw.example.com"}, {":scheme", "https"}},
		rel.Wire(client), "a relative tool URL keeps the client's authority and scheme")
	assert.Equal(t, [][2]string{{":method", "DELETE"}, {":path", "/notes/1"}, {":authority", ""}}, rel.Wire(nil))
}
