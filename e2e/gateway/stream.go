package gateway

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
)

// maxCalloutRounds bounds callouts that trigger further callouts.
const maxCalloutRounds = 16

var errStuck = errors.New("gateway: the plugin paused the stream and never resumed or answered it")

// stream is one HTTP request/response through the plugin.
type stream struct {
	gen       uint64
	id        uint32 // emulator http context id; 0 until created
	route     *Route
	routeName string
	requestID string
	method    string
	path      string // as received, with query
	urlPath   string // without query
	authority string
	proto     string
	source    string
	local     *proxytest.LocalHttpResponse // the last local reply seen
}

// setProperties sets what Envoy would answer to proxy_get_property for this stream. The
// emulator keeps one property map, so this runs before every call for the stream.
func (s *stream) setProperties(emu proxytest.HostEmulator) {
	set := func(v string, path ...string) {
		if v != "" { // the emulator cannot hold empty values
			_ = emu.SetProperty(path, []byte(v)) // only fails for empty input
		}
	}
	set(s.routeName, "route_name")
	set(s.route.Cluster, "cluster_name")
	set(s.requestID, "x_request_id")
	set(s.requestID, "request", "id")
	set(s.path, "request", "path")
	set(s.urlPath, "request", "url_path")
	set(s.authority, "request", "host")
	set(s.method, "request", "method")
	set("http", "request", "scheme")
	set(s.proto, "request", "protocol")
	set(s.source, "source", "address")
}

// newLocal returns the local reply the plugin sent since the last check, if any.
func (s *stream) newLocal(emu proxytest.HostEmulator) *proxytest.LocalHttpResponse {
	lr := emu.GetSentLocalResponse(s.id)
	if lr == nil || lr == s.local {
		return nil
	}
	s.local = lr
	return lr
}

type direction int

const (
	dirRequest direction = iota
	dirResponse
)

// phaseResult is a message after the plugin's hooks of one direction.
type phaseResult struct {
	headers [][2]string
	body    []byte
	local   *proxytest.LocalHttpResponse // a local reply sent during this phase
}

// runPhase calls the header hook, then the body hook per chunk, executing callouts wherever the
// plugin waits for them, as Envoy's filter manager would.
func (g *Gateway) runPhase(ctx context.Context, s *stream, dir direction, headers [][2]string, body []byte) (*phaseResult, error) {
	size := g.cfg.RequestChunkSize
	if dir == dirResponse {
		size = g.cfg.ResponseChunkSize
	}
	chunks := split(body, size)
	res := &phaseResult{}
	var action types.Action
	err := g.locked(s, func(h *host) {
		if dir == dirRequest {
			action = h.emu.CallOnRequestHeaders(s.id, headers, len(chunks) == 0)
		} else {
			action = h.emu.CallOnResponseHeaders(s.id, headers, len(chunks) == 0)
		}
		res.local = s.newLocal(h.emu)
	})
	if err != nil || res.local != nil {
		return res, err
	}
	stopAll := action == types.HeaderStopAllIterationAndBuffer || action == types.HeaderStopAllIterationAndWatermark
	continued := action == types.HeaderContinue || action == types.HeaderContinueAndEndStream
	if stopAll || (len(chunks) == 0 && !continued) {
		if res.local, err = g.waitResume(ctx, s); err != nil || res.local != nil {
			return res, err
		}
	}
	paused := false
	for i, c := range chunks {
		last := i == len(chunks)-1
		err := g.locked(s, func(h *host) {
			if dir == dirRequest {
				action = h.emu.CallOnRequestBody(s.id, c, last)
			} else {
				action = h.emu.CallOnResponseBody(s.id, c, last)
			}
			res.local = s.newLocal(h.emu)
			if res.local == nil && action == types.DataContinue {
				res.body = append(res.body, currentBody(h.emu, s.id, dir)...)
			}
		})
		if err != nil || res.local != nil {
			return res, err
		}
		paused = action != types.DataContinue
	}
	if paused {
		if res.local, err = g.waitResume(ctx, s); err != nil || res.local != nil {
			return res, err
		}
	}
	err = g.locked(s, func(h *host) {
		if paused {
			res.body = append(res.body, currentBody(h.emu, s.id, dir)...)
		}
		if dir == dirRequest {
			res.headers = cloneHeaders(h.emu.GetCurrentRequestHeaders(s.id))
		} else {
			res.headers = cloneHeaders(h.emu.GetCurrentResponseHeaders(s.id))
		}
	})
	return res, err
}

func currentBody(emu proxytest.HostEmulator, id uint32, dir direction) []byte {
	if dir == dirRequest {
		return emu.GetCurrentRequestBody(id)
	}
	return emu.GetCurrentResponseBody(id)
}

// waitResume executes the stream's callouts until the plugin resumes the stream (Continue) or
// answers it with a local reply.
func (g *Gateway) waitResume(ctx context.Context, s *stream) (*proxytest.LocalHttpResponse, error) {
	if err := g.drainCallouts(ctx, s, s.id); err != nil {
		return nil, err
	}
	var local *proxytest.LocalHttpResponse
	var action types.Action
	err := g.locked(s, func(h *host) {
		local = s.newLocal(h.emu)
		action = h.emu.GetCurrentHttpStreamAction(s.id)
	})
	switch {
	case err != nil:
		return nil, err
	case local != nil:
		return local, nil
	case action != types.ActionContinue:
		return nil, errStuck
	}
	return nil, nil
}

// drainCallouts executes the pending DispatchHttpCall requests of context ctxID (an HTTP
// stream, or the root context for start and ticks) and delivers their responses, repeating
// while the callbacks dispatch more.
func (g *Gateway) drainCallouts(ctx context.Context, s *stream, ctxID uint32) error {
	for round := 0; round < maxCalloutRounds; round++ {
		var pending []proxytest.HttpCalloutAttribute
		err := g.locked(s, func(h *host) {
			for _, a := range h.emu.GetCalloutAttributesFromContext(ctxID) {
				a.Headers = cloneHeaders(a.Headers)
				a.Body = append([]byte(nil), a.Body...)
				pending = append(pending, a)
			}
		})
		if err != nil || len(pending) == 0 {
			return err
		}
		results := g.executeCallouts(ctx, pending)
		err = g.locked(s, func(h *host) {
			for _, r := range results {
				h.emu.CallOnHttpCallResponse(r.id, r.headers, nil, r.body)
			}
		})
		if err != nil {
			return err
		}
	}
	return fmt.Errorf("gateway: more than %d rounds of callouts", maxCalloutRounds)
}

// finish ends the stream: proxy_on_log, then proxy_on_delete.
func (g *Gateway) finish(s *stream) {
	if s.id == 0 {
		return
	}
	_ = g.locked(s, func(h *host) { // a trap here is logged by locked; the response is already decided
		h.emu.CompleteHttpContext(s.id)
		h.vm.DeleteContext(s.id)
	})
}

// handle runs one request through the plugin and, unless it answers itself, the upstream.
func (g *Gateway) handle(ctx context.Context, s *stream, headers [][2]string, body []byte) (*httpMsg, *accessInfo) {
	info := &accessInfo{}
	gen, err := g.ensureHost()
	if err != nil {
		return failure(err), info
	}
	s.gen = gen
	if err := g.locked(s, func(h *host) { s.id = h.emu.InitializeHttpContext() }); err != nil {
		return failure(err), info
	}
	defer g.finish(s)
	req, err := g.runPhase(ctx, s, dirRequest, headers, body)
	if err != nil {
		return failure(err), info
	}
	var resp *httpMsg
	if req.local != nil {
		info.local = true
		resp = localReply(req.local)
	} else {
		resp = g.forward(ctx, s, req.headers, req.body, info)
	}
	out, err := g.runPhase(ctx, s, dirResponse, resp.headerPairs(), resp.body)
	if err != nil {
		return failure(err), info
	}
	if out.local != nil { // sent from a response hook: goes downstream as is
		info.local = true
		return localReply(out.local), info
	}
	status, err := strconv.Atoi(headerValue(out.headers, ":status"))
	if err != nil || status < 100 || status > 999 {
		return failure(fmt.Errorf("gateway: plugin left an invalid :status %q", headerValue(out.headers, ":status"))), info
	}
	return &httpMsg{status: status, headers: out.headers, body: out.body}, info
}

// failure is the response when the plugin could not finish the stream.
func failure(err error) *httpMsg {
	if errors.Is(err, errStuck) {
		return plainReply(500, err.Error())
	}
	return plainReply(503, "plugin unavailable")
}
