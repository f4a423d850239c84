package gateway

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
)

// hopByHop headers are connection-level; Envoy never hands them to filters or upstreams.
var hopByHop = map[string]bool{
	"connection": true, "keep-alive": true, "proxy-connection": true,
	"transfer-encoding": true, "upgrade": true, "te": true, "trailer": true,
}

// httpMsg is a response in Envoy's terms: status, lowercase headers (may include :status), body.
type httpMsg struct {
	status  int
	headers [][2]string
	body    []byte
}

// headerPairs returns :status followed by the other headers.
func (m *httpMsg) headerPairs() [][2]string {
	out := [][2]string{{":status", strconv.Itoa(m.status)}}
	for _, kv := range m.headers {
		if kv[0] != ":status" {
			out = append(out, kv)
		}
	}
	return out
}

// ServeHTTP implements http.Handler.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	target := r.RequestURI
	if target == "" || !strings.HasPrefix(target, "/") { // absolute-form or synthetic requests
		target = r.URL.RequestURI()
	}
	urlPath, _, _ := strings.Cut(target, "?")
	route, idx := g.cfg.match(urlPath)
	var (
		m    *httpMsg
		info = &accessInfo{}
	)
	switch body, err := io.ReadAll(io.LimitReader(r.Body, g.cfg.MaxRequestBodyBytes+1)); {
	case route == nil:
		m = plainReply(http.StatusNotFound, "")
	case err != nil:
		m = plainReply(http.StatusBadRequest, "bad request body")
	case int64(len(body)) > g.cfg.MaxRequestBodyBytes:
		m = plainReply(http.StatusRequestEntityTooLarge, "Payload Too Large")
	default:
		s := &stream{
			route: route, routeName: route.name(idx), requestID: requestID(r),
			method: r.Method, path: target, urlPath: urlPath, authority: r.Host,
			proto: r.Proto, source: r.RemoteAddr,
		}
		m, info = g.handle(r.Context(), s, requestHeaders(r, target, s.requestID), body)
	}
	writeResponse(w, m)
	g.sink.add(LogEntry{Source: "gateway", Level: "info", Msg: accessLine(r.Method, urlPath, m.status, info, time.Since(start))})
}

func accessLine(method, path string, status int, info *accessInfo, d time.Duration) string {
	line := fmt.Sprintf("%s %s -> %d", method, path, status)
	switch {
	case info.local:
		line += " (plugin reply)"
	case info.cluster != "":
		line += fmt.Sprintf(" cluster=%s upstream_status=%d", info.cluster, info.upstreamStatus)
	}
	return line + fmt.Sprintf(" %dms", d.Milliseconds())
}

// requestID keeps the client's x-request-id like Envoy does, else makes a UUIDv4.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" {
		return id
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// requestHeaders is what Envoy's connection manager hands the first filter.
func requestHeaders(r *http.Request, target, reqID string) [][2]string {
	h := [][2]string{{":authority", r.Host}, {":path", target}, {":method", r.Method}, {":scheme", "http"}}
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	hasXFP := false
	for _, k := range keys {
		lk := strings.ToLower(k)
		if hopByHop[lk] {
			continue
		}
		hasXFP = hasXFP || lk == "x-forwarded-proto"
		for _, v := range r.Header[k] {
			h = append(h, [2]string{lk, v})
		}
	}
	if r.Header.Get("X-Request-Id") == "" {
		h = append(h, [2]string{"x-request-id", reqID})
	}
	if !hasXFP {
		h = append(h, [2]string{"x-forwarded-proto", "http"})
	}
	return h
}

// responseHeaders lowercases an upstream's headers, without hop-by-hop ones and empty values
// (the emulator cannot return empty values to the plugin).
func responseHeaders(hdr http.Header) [][2]string {
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out [][2]string
	for _, k := range keys {
		lk := strings.ToLower(k)
		if hopByHop[lk] {
			continue
		}
		for _, v := range hdr[k] {
			if v != "" {
				out = append(out, [2]string{lk, v})
			}
		}
	}
	return out
}

func writeResponse(w http.ResponseWriter, m *httpMsg) {
	for _, kv := range m.headers {
		k := strings.ToLower(kv[0])
		if strings.HasPrefix(k, ":") || hopByHop[k] || k == "content-length" {
			continue
		}
		w.Header().Add(k, kv[1])
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(m.body)))
	w.WriteHeader(m.status)
	_, _ = w.Write(m.body) // the client went away; nothing to do
}

// plainReply is a local reply of the gateway itself (Envoy's router or connection manager).
func plainReply(status int, body string) *httpMsg {
	m := &httpMsg{status: status, body: []byte(body)}
	if body != "" {
		m.headers = [][2]string{{"content-type", "text/plain"}, {"content-length", strconv.Itoa(len(body))}}
	}
	return m
}

// localReply builds the response Envoy makes from proxy_send_local_response: the plugin's
// headers, content-length, and content-type text/plain if the plugin set none and there is a body.
func localReply(lr *proxytest.LocalHttpResponse) *httpMsg {
	m := &httpMsg{status: int(lr.StatusCode), body: append([]byte(nil), lr.Data...)}
	for _, kv := range lr.Headers {
		k := strings.ToLower(kv[0])
		if k != "content-length" {
			m.headers = append(m.headers, [2]string{k, kv[1]})
		}
	}
	if len(m.body) > 0 {
		if headerValue(m.headers, "content-type") == "" {
			m.headers = append(m.headers, [2]string{"content-type", "text/plain"})
		}
		m.headers = append(m.headers, [2]string{"content-length", strconv.Itoa(len(m.body))})
	}
	return m
}

func headerValue(h [][2]string, name string) string {
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			return kv[1]
		}
	}
	return ""
}

func cloneHeaders(h [][2]string) [][2]string {
	out := make([][2]string, len(h))
	for i, kv := range h {
		out[i] = [2]string{strings.Clone(kv[0]), strings.Clone(kv[1])}
	}
	return out
}

// split cuts body into chunks of at most size bytes (one chunk if size <= 0; none if empty).
func split(body []byte, size int) [][]byte {
	if len(body) == 0 {
		return nil
	}
	if size <= 0 || size >= len(body) {
		return [][]byte{body}
	}
	var out [][]byte
	for len(body) > 0 {
		n := min(size, len(body))
		out = append(out, body[:n])
		body = body[n:]
	}
	return out
}
