package gateway

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
)

// Envoy's router replies, which go back through the plugin's response hooks.
const (
	connectFailureBody = "upstream connect error or disconnect/reset before headers. reset reason: connection failure"
	protocolErrorBody  = "upstream connect error or disconnect/reset before headers. reset reason: protocol error"
	timeoutBody        = "upstream request timeout"
)

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:               nil, // loopback only; never an environment proxy
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		DisableCompression:  true, // send exactly the headers the plugin left
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     30 * time.Second,
	}
}

func noRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// accessInfo is what the access log says about a stream.
type accessInfo struct {
	cluster        string
	upstreamStatus int
	local          bool
}

// forward sends the rewritten request to the cluster the route (or its AuthorityClusters) names
// and returns the upstream response, or the reply Envoy's router sends instead.
func (g *Gateway) forward(ctx context.Context, s *stream, headers [][2]string, body []byte, info *accessInfo) *httpMsg {
	authority := headerValue(headers, ":authority")
	info.cluster = s.route.clusterFor(authority)
	addr := g.cfg.Clusters[info.cluster].Address
	host := authority
	if s.route.HostRewrite != "" {
		host = s.route.HostRewrite
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.UpstreamTimeout)
	defer cancel()
	headers = append(headers, [2]string{"x-envoy-expected-rq-timeout-ms", strconv.FormatInt(g.cfg.UpstreamTimeout.Milliseconds(), 10)})
	req, err := buildRequest(ctx, addr, host, headers, body)
	if err != nil {
		g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: "rewritten request is not valid HTTP: " + err.Error()})
		return plainReply(503, protocolErrorBody)
	}
	start := time.Now()
	resp, err := g.client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return plainReply(504, timeoutBody)
		}
		return plainReply(503, connectFailureBody)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, g.cfg.MaxResponseBodyBytes+1))
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return plainReply(504, timeoutBody)
	case err != nil:
		return plainReply(503, "upstream connect error or disconnect/reset before headers. reset reason: remote reset")
	case int64(len(data)) > g.cfg.MaxResponseBodyBytes:
		return plainReply(502, "upstream response too large")
	}
	info.upstreamStatus = resp.StatusCode
	out := &httpMsg{status: resp.StatusCode, headers: responseHeaders(resp.Header), body: data}
	out.headers = append(out.headers, [2]string{"x-envoy-upstream-service-time", strconv.FormatInt(time.Since(start).Milliseconds(), 10)})
	return out
}

// buildRequest turns pseudo-headers + headers into an HTTP/1.1 request to addr, keeping the
// request-target exactly as given and adding nothing (no User-Agent, no Accept-Encoding).
func buildRequest(ctx context.Context, addr, host string, headers [][2]string, body []byte) (*http.Request, error) {
	method, target := headerValue(headers, ":method"), headerValue(headers, ":path")
	if method == "" || !strings.HasPrefix(target, "/") {
		return nil, fmt.Errorf("missing :method or :path (method %q)", method)
	}
	u := &url.URL{Scheme: "http", Host: addr}
	p, q, hasQuery := strings.Cut(target, "?")
	if strings.HasPrefix(p, "//") {
		parsed, err := url.ParseRequestURI(target)
		if err != nil {
			return nil, errors.New("unparsable :path") // the path may carry a credential: not quoted
		}
		u.Path, u.RawPath, u.RawQuery = parsed.Path, parsed.RawPath, parsed.RawQuery
	} else {
		u.Opaque, u.RawQuery, u.ForceQuery = p, q, hasQuery && q == ""
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+addr+"/", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("invalid :method %q", method)
	}
	req.URL = u
	req.Host = host
	req.ContentLength = int64(len(body))
	if len(body) == 0 {
		req.Body = http.NoBody
	}
	req.Header = http.Header{"User-Agent": nil}
	for _, kv := range headers {
		k := strings.ToLower(kv[0])
		if strings.HasPrefix(k, ":") || hopByHop[k] || k == "content-length" || k == "host" {
			continue
		}
		ck := http.CanonicalHeaderKey(k)
		req.Header[ck] = append(req.Header[ck], kv[1])
	}
	return req, nil
}

type calloutResult struct {
	id      uint32
	headers [][2]string // nil: failure, delivered like Envoy's onHttpCallFailure (no headers)
	body    []byte
}

// pendingCallout is a DispatchHttpCall copied out of the emulator, with its timeout.
type pendingCallout struct {
	proxytest.HttpCalloutAttribute
	timeoutMillis uint32 // 0: unknown
}

func (h *host) pendingCallout(a proxytest.HttpCalloutAttribute) pendingCallout {
	a.Headers = cloneHeaders(a.Headers)
	a.Body = append([]byte(nil), a.Body...)
	p := pendingCallout{HttpCalloutAttribute: a}
	if t, ok := h.calloutTimeouts[a.CalloutID]; ok {
		p.timeoutMillis = t
		delete(h.calloutTimeouts, a.CalloutID) // a callout is picked up once
	}
	return p
}

// executeCallouts runs DispatchHttpCall requests concurrently against the clusters they name.
func (g *Gateway) executeCallouts(ctx context.Context, pending []pendingCallout) []calloutResult {
	results := make([]calloutResult, len(pending))
	var wg sync.WaitGroup
	for i, a := range pending {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = g.callout(ctx, a)
		}()
	}
	wg.Wait()
	return results
}

func (g *Gateway) callout(ctx context.Context, a pendingCallout) calloutResult {
	res := calloutResult{id: a.CalloutID}
	cl, ok := g.cfg.Clusters[a.Upstream]
	if !ok {
		g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: fmt.Sprintf("callout to unknown cluster %q failed", a.Upstream)})
		return res
	}
	timeout := g.cfg.CalloutTimeout
	if a.timeoutMillis > 0 {
		timeout = time.Duration(a.timeoutMillis) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout) // a stream's callouts end with its client
	defer cancel()
	req, err := buildRequest(ctx, cl.Address, headerValue(a.Headers, ":authority"), a.Headers, a.Body)
	if err != nil {
		g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: fmt.Sprintf("callout to cluster %q is not valid HTTP: %v", a.Upstream, err)})
		return res
	}
	resp, err := g.client.Do(req)
	if err != nil {
		g.sink.add(LogEntry{Source: "gateway", Level: "warn", Msg: fmt.Sprintf("callout to cluster %q failed", a.Upstream)})
		return res
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, g.cfg.MaxResponseBodyBytes))
	if err != nil {
		return res
	}
	res.headers = append([][2]string{{":status", strconv.Itoa(resp.StatusCode)}}, responseHeaders(resp.Header)...)
	res.body = body
	g.sink.add(LogEntry{Source: "gateway", Level: "debug", Msg: fmt.Sprintf("callout to cluster %q -> %d", a.Upstream, resp.StatusCode)})
	return res
}
