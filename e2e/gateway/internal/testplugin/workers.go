package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/tidwall/gjson"
	"github.com/tidwall/resp"
)

// What the gateway's workers, shared data, ticks and Redis are tested with. Each VM has its own
// copy of these globals, as each Envoy worker has its own VM.
var (
	tickMillis uint32                  // from the config; >0 sets the root context's tick period
	vmRequests int                     // /t/vm requests this VM answered
	vmCounter  proxywasm.MetricCounter // the same, as a proxy-wasm counter (per process in Envoy)
	vmIDValue  string                  // random, per VM
	waiters    = map[uint32]bool{}     // streams of this VM waiting for the shared flag
	activeID   uint32                  // the stream whose hook runs now (the wrapper does not expose it)
	parkedID   uint32                  // the stream of the last /t/park (finished since)
)

const flagKey = "testplugin/flag"

func vmID() string {
	if vmIDValue == "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		vmIDValue = hex.EncodeToString(b)
	}
	return vmIDValue
}

type vmCtx struct{ types.VMContext }

func (v vmCtx) NewPluginContext(id uint32) types.PluginContext {
	return &pluginCtx{PluginContext: v.VMContext.NewPluginContext(id)}
}

type pluginCtx struct{ types.PluginContext }

func (p *pluginCtx) OnPluginStart(size int) types.OnPluginStartStatus {
	ok := p.PluginContext.OnPluginStart(size)
	if ok && tickMillis > 0 {
		_ = proxywasm.SetTickPeriodMilliSeconds(tickMillis)
	}
	return ok
}

// OnTick resumes the streams waiting for the flag once some VM has set it.
func (p *pluginCtx) OnTick() {
	p.PluginContext.OnTick()
	setter, _, err := proxywasm.GetSharedData(flagKey)
	if err != nil {
		return
	}
	for id := range waiters {
		delete(waiters, id)
		if proxywasm.SetEffectiveContext(id) != nil {
			continue
		}
		_ = proxywasm.ReplaceHttpRequestHeader("x-flag-set-by", string(setter))
		_ = proxywasm.ReplaceHttpRequestHeader("x-resumed-by", vmID())
		_ = proxywasm.ResumeHttpRequest()
	}
}

func (p *pluginCtx) NewHttpContext(id uint32) types.HttpContext {
	return &httpCtx{HttpContext: p.PluginContext.NewHttpContext(id), id: id}
}

type httpCtx struct {
	types.HttpContext
	id uint32
}

func (h *httpCtx) OnHttpRequestHeaders(n int, end bool) types.Action {
	activeID = h.id
	return h.HttpContext.OnHttpRequestHeaders(n, end)
}

// waitForFlag pauses the stream until a tick of this VM sees the shared flag.
func waitForFlag() types.Action {
	if _, _, err := proxywasm.GetSharedData(flagKey); err == nil {
		return types.HeaderStopIteration // already set: go on to the body
	}
	waiters[activeID] = true
	return types.HeaderStopAllIterationAndWatermark
}

// sharedOp runs one shared-data operation from a JSON body and answers with its outcome:
// {"op":"get","key":"k"} or {"op":"set","key":"k","value":"v","cas":3}.
func sharedOp(body []byte) types.Action {
	key := gjson.GetBytes(body, "key").String()
	var out string
	switch gjson.GetBytes(body, "op").String() {
	case "get":
		v, cas, err := proxywasm.GetSharedData(key)
		out = statusName(err) + " " + string(v) + " " + strconv.FormatUint(uint64(cas), 10)
	case "set":
		err := proxywasm.SetSharedData(key, []byte(gjson.GetBytes(body, "value").String()), uint32(gjson.GetBytes(body, "cas").Uint()))
		out = statusName(err)
	}
	_ = proxywasm.SendHttpResponseWithDetail(200, "testplugin.shared", [][2]string{{"x-vm-id", vmID()}}, []byte(out), -1)
	return types.ActionPause
}

func statusName(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, types.ErrorStatusNotFound):
		return "not_found"
	case errors.Is(err, types.ErrorStatusCasMismatch):
		return "cas_mismatch"
	case errors.Is(err, types.ErrorStatusBadArgument):
		return "bad_argument"
	}
	return "error:" + err.Error()
}

// incrAcrossCallout increments the shared counter with compare-and-swap around a callout: it
// reads the counter, waits for the callout, then writes with the cas it read, so streams of
// other VMs interleave; a mismatch rereads and retries.
func incrAcrossCallout(c config) types.Action {
	v, cas, err := proxywasm.GetSharedData("counter")
	if err != nil && !errors.Is(err, types.ErrorStatusNotFound) {
		return reply(500, "get: "+err.Error())
	}
	_, err = proxywasm.DispatchHttpCall(c.cluster, [][2]string{{":method", "GET"}, {":path", "/pause"}, {":authority", "auth.test"}}, nil, nil, 2000,
		func(int, int, int) {
			retries := 0
			for {
				n, _ := strconv.Atoi(string(v))
				err := proxywasm.SetSharedData("counter", []byte(strconv.Itoa(n+1)), cas)
				if err == nil {
					_ = reply(200, strconv.Itoa(n+1)+" retries="+strconv.Itoa(retries))
					return
				}
				if !errors.Is(err, types.ErrorStatusCasMismatch) || retries > 100 {
					_ = reply(500, "set: "+err.Error())
					return
				}
				retries++
				v, cas, _ = proxywasm.GetSharedData("counter")
			}
		})
	if err != nil {
		return reply(500, "dispatch: "+err.Error())
	}
	return types.ActionPause
}

func reply(status uint32, body string) types.Action {
	_ = proxywasm.SendHttpResponseWithDetail(status, "testplugin.reply", [][2]string{{"x-vm-id", vmID()}}, []byte(body), -1)
	return types.ActionPause
}

// namedCluster is a cluster given by its Envoy name.
type namedCluster string

func (c namedCluster) ClusterName() string { return string(c) }
func (c namedCluster) HostName() string    { return string(c) }

// redisCommand sends the body's words as one command through wasm-go's Redis client and
// answers with the reply's type and value.
func redisCommand(c config, body []byte) types.Action {
	if c.redis == nil {
		return reply(500, "no redis configured")
	}
	var args []interface{}
	for _, w := range strings.Fields(string(body)) {
		args = append(args, w)
	}
	err := c.redis.Command(args, func(v resp.Value) {
		if e := v.Error(); e != nil {
			_ = reply(200, "error "+e.Error())
			return
		}
		_ = reply(200, v.Type().String()+" "+v.String())
	})
	if err != nil {
		return reply(500, "redis: "+err.Error())
	}
	return types.ActionPause
}
