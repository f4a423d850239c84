package gateway

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/wasmvm"
)

// releaseFailure reports once per process that the emulator's state cannot be released: that
// cannot happen with the SDK pinned in go.mod (internal/wasmvm's tests check the fields it
// reaches); with a new SDK whose fields it does not know, the gateway keeps serving, growing.
var releaseFailure sync.Once

func reportRelease(sink *logSink, err error) {
	if err != nil {
		releaseFailure.Do(func() { sink.add(LogEntry{Source: "gateway", Level: "error", Msg: err.Error()}) })
	}
}

// maxCalloutRounds bounds callouts that trigger further callouts.
const maxCalloutRounds = 16

var errStuck = errors.New("gateway: the plugin paused the stream and never resumed or answered it")

// stream is one HTTP request/response through the plugin.
type stream struct {
	worker    int // index in Gateway.workers, fixed for the stream's life
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
	err := g.locked(s.worker, s, func(_ *host, emu proxytest.HostEmulator) {
		if dir == dirRequest {
			action = emu.CallOnRequestHeaders(s.id, headers, len(chunks) == 0)
		} else {
			action = emu.CallOnResponseHeaders(s.id, headers, len(chunks) == 0)
		}
		res.local = s.newLocal(emu)
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
		err := g.locked(s.worker, s, func(_ *host, emu proxytest.HostEmulator) {
			if dir == dirRequest {
				action = emu.CallOnRequestBody(s.id, c, last)
			} else {
				action = emu.CallOnResponseBody(s.id, c, last)
			}
			res.local = s.newLocal(emu)
			if res.local == nil && action == types.DataContinue {
				res.body = append(res.body, currentBody(emu, s.id, dir)...)
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
	err = g.locked(s.worker, s, func(_ *host, emu proxytest.HostEmulator) {
		if paused {
			res.body = append(res.body, currentBody(emu, s.id, dir)...)
		}
		if dir == dirRequest {
			res.headers = cloneHeaders(emu.GetCurrentRequestHeaders(s.id))
		} else {
			res.headers = cloneHeaders(emu.GetCurrentResponseHeaders(s.id))
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
// answers it with a local reply. Meanwhile other streams of the worker, its callouts and its
// ticks may resume it (single flight: one stream's token callout resumes the streams that wait
// for it); when none of those can happen any more, or after Config.ResumeTimeout, the stream is
// stuck.
func (g *Gateway) waitResume(ctx context.Context, s *stream) (*proxytest.LocalHttpResponse, error) {
	deadline := time.NewTimer(g.cfg.ResumeTimeout)
	defer deadline.Stop()
	for {
		if err := g.drainCallouts(ctx, s.worker, s, s.id); err != nil {
			return nil, err
		}
		var (
			local   *proxytest.LocalHttpResponse
			action  types.Action
			canWait bool
			wake    <-chan struct{}
		)
		err := g.locked(s.worker, s, func(h *host, emu proxytest.HostEmulator) {
			local = s.newLocal(emu)
			action = emu.GetCurrentHttpStreamAction(s.id)
			w := g.workers[s.worker]
			canWait = w.running > 1 || h.inflight > 0 || emu.GetTickPeriod() > 0 // running counts s itself
			wake = w.wake
		})
		switch {
		case err != nil:
			return nil, err
		case local != nil:
			return local, nil
		case action == types.ActionContinue:
			return nil, nil
		case !canWait:
			return nil, errStuck
		}
		if err := g.waitWake(ctx, s.worker, wake, deadline.C); err != nil {
			return nil, err
		}
	}
}

// waitWake waits, as a non-running stream of worker wi, until the worker wakes its streams.
// wake is captured under the lock before, so a wake in between is not missed (locked replaces
// the channel after every call, and this one is then already closed).
func (g *Gateway) waitWake(ctx context.Context, wi int, wake <-chan struct{}, deadline <-chan time.Time) error {
	g.setRunning(wi, -1)
	defer g.setRunning(wi, +1)
	select {
	case <-wake:
		return nil
	case <-deadline:
		return errStuck
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drainCallouts executes the pending DispatchHttpCall and Redis calls of context ctxID (an HTTP
// stream, or the root context for start and ticks) of worker wi and delivers their responses,
// repeating while the callbacks dispatch more. When a stream's client goes away meanwhile, its
// calls are cancelled and their callbacks never run, as Envoy does when it destroys a stream.
func (g *Gateway) drainCallouts(ctx context.Context, wi int, s *stream, ctxID uint32) error {
	for round := 0; round < maxCalloutRounds; round++ {
		var (
			pending []pendingCallout
			redis   []pendingRedis
			owner   *host // the VM that dispatched them
		)
		err := g.locked(wi, s, func(h *host, emu proxytest.HostEmulator) {
			owner = h
			for _, a := range emu.GetCalloutAttributesFromContext(ctxID) {
				pending = append(pending, h.pendingCallout(a))
			}
			for _, a := range emu.GetRedisCalloutAttributesFromContext(ctxID) {
				redis = append(redis, h.pendingRedis(a))
			}
			if len(pending)+len(redis) > 0 {
				h.inflight++
			}
		})
		if err != nil || len(pending)+len(redis) == 0 {
			return err
		}
		results := g.executeCallouts(ctx, pending)
		redisResults := g.redis.execute(ctx, redis)
		cancelled := s != nil && ctx.Err() != nil
		err = g.locked(wi, s, func(h *host, emu proxytest.HostEmulator) {
			if h != owner {
				return // rebuilt since: the callouts died with the old VM
			}
			h.inflight--
			if cancelled {
				return
			}
			for _, r := range results {
				emu.CallOnHttpCallResponse(r.id, r.headers, nil, r.body)
			}
			for _, r := range redisResults {
				emu.CallOnRedisCallResponse(r.id, r.status, r.response)
			}
		})
		if err != nil {
			g.mu.Lock()
			owner.inflight-- // the VM is gone (trap, rebuild, close); keep the count honest anyway
			g.mu.Unlock()
			return err
		}
		if cancelled {
			return ctx.Err()
		}
	}
	return fmt.Errorf("gateway: more than %d rounds of callouts", maxCalloutRounds)
}

// finish ends the stream as Envoy does (proxy_on_log, proxy_on_done, proxy_on_delete: the VM's
// EnvoyStreamEnd), then drops what the emulator kept of it (headers, bodies, local reply,
// callout entries), so that a gateway serving requests for days does not grow with them.
func (g *Gateway) finish(s *stream) {
	if s.id != 0 {
		_ = g.locked(s.worker, s, func(h *host, emu proxytest.HostEmulator) { // a trap is logged by locked; the response is decided
			delete(h.live, s.id)
			emu.CompleteHttpContext(s.id)
			for _, a := range emu.GetCalloutAttributesFromContext(s.id) {
				delete(h.calloutTimeouts, a.CalloutID) // never picked up: the stream ended first
			}
			reportRelease(h.sink, wasmvm.ReleaseStream(emu, s.id))
		})
	}
	g.setRunning(s.worker, -1)
}

// handle runs one request through the plugin and, unless it answers itself, the upstream.
func (g *Gateway) handle(ctx context.Context, s *stream, headers [][2]string, body []byte) (*httpMsg, *accessInfo) {
	info := &accessInfo{}
	if err := g.ensureHost(s); err != nil {
		return failure(err), info
	}
	defer g.finish(s)
	if err := g.locked(s.worker, s, func(h *host, emu proxytest.HostEmulator) {
		s.id = emu.InitializeHttpContext()
		h.live[s.id] = true
	}); err != nil {
		return failure(err), info
	}
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
