// Command testplugin is a tiny wasm-go wrapper plugin that exercises every host feature the
// gateway emulates (rewrites, local replies, callouts, response hooks, logs, environment, traps,
// shared data across worker VMs, ticks, Redis). The gateway tests build it with GOOS=wasip1
// GOARCH=wasm -buildmode=c-shared.
package main

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
	"github.com/higress-group/wasm-go/pkg/wrapper"
	"github.com/tidwall/gjson"
)

func main() {}

func init() {
	// The wrapper's VM context, wrapped once more (workers.go) for ticks and stream ids.
	proxywasm.SetVMContext(vmCtx{wrapper.NewCommonVmCtx("testplugin",
		wrapper.ParseRawConfig(parse),
		wrapper.ProcessRequestHeaders(onRequestHeaders),
		wrapper.ProcessRequestBody(onRequestBody),
		wrapper.ProcessResponseHeaders(onResponseHeaders),
		wrapper.ProcessResponseBody(onResponseBody),
	)})
}

type config struct {
	secret  string
	cluster string
	redis   *wrapper.RedisClusterClient[namedCluster]
}

func parse(data []byte, c *config) error {
	env := gjson.GetBytes(data, "secretEnv").String()
	v, ok := os.LookupEnv(env)
	if !ok {
		proxywasm.LogCritical("testplugin: environment variable " + env + " is not set")
		return errors.New("missing environment variable")
	}
	c.secret = v
	c.cluster = gjson.GetBytes(data, "calloutCluster").String()
	tickMillis = uint32(gjson.GetBytes(data, "tickMillis").Uint())
	vmCounter = proxywasm.DefineCounterMetric("testplugin.vm_requests")
	if rc := gjson.GetBytes(data, "redisCluster").String(); rc != "" {
		c.redis = wrapper.NewRedisClusterClient(namedCluster(rc))
		pass := os.Getenv(gjson.GetBytes(data, "redisPasswordEnv").String())
		if err := c.redis.Init(gjson.GetBytes(data, "redisUser").String(), pass, 1000,
			wrapper.WithDataBase(int(gjson.GetBytes(data, "redisDB").Int()))); err != nil {
			return err
		}
	}
	return nil
}

func path() string {
	p, _ := proxywasm.GetHttpRequestHeader(":path")
	p, _, _ = strings.Cut(p, "?")
	return p
}

func onRequestHeaders(ctx wrapper.HttpContext, c config) types.Action {
	proxywasm.LogTrace("testplugin: trace line")
	proxywasm.LogDebug("testplugin: debug line")
	proxywasm.LogInfo("testplugin: info line")
	proxywasm.LogWarn("testplugin: warn line")
	proxywasm.LogError("testplugin: error line")
	proxywasm.LogCritical("testplugin: critical line")
	if m, _ := proxywasm.GetHttpRequestHeader(":method"); m != "POST" {
		_ = proxywasm.SendHttpResponseWithDetail(405, "testplugin.method", [][2]string{{"allow", "POST"}}, []byte("method not allowed"), -1)
		return types.ActionPause
	}
	switch path() {
	case "/t/callout-headers":
		_, err := proxywasm.DispatchHttpCall(c.cluster, [][2]string{{":method", "GET"}, {":path", "/auth?phase=headers"}, {":authority", "auth.test"}}, nil, nil, 1234,
			func(n, size, _ int) {
				hs, _ := proxywasm.GetHttpCallResponseHeaders()
				status := "none"
				for _, h := range hs {
					if h[0] == ":status" {
						status = h[1]
					}
				}
				_ = proxywasm.ReplaceHttpRequestHeader("x-auth-status", status+"/"+strconv.Itoa(n))
				_ = proxywasm.ResumeHttpRequest()
			})
		if err != nil {
			return types.ActionContinue
		}
		return types.HeaderStopAllIterationAndWatermark
	case "/t/env":
		_ = proxywasm.SendHttpResponseWithDetail(200, "testplugin.env", nil, []byte("secret-length="+strconv.Itoa(len(c.secret))), -1)
		return types.ActionPause
	case "/t/vm":
		vmRequests++
		vmCounter.Increment(1)
		_ = proxywasm.SendHttpResponseWithDetail(200, "testplugin.vm", [][2]string{{"x-vm-id", vmID()}}, []byte(strconv.Itoa(vmRequests)), -1)
		return types.ActionPause
	case "/t/wait-flag":
		return waitForFlag()
	case "/t/park":
		parkedID = activeID
		return reply(200, "parked")
	case "/t/effective":
		parked := statusName(proxywasm.SetEffectiveContext(parkedID))
		self := statusName(proxywasm.SetEffectiveContext(activeID))
		return reply(200, "parked="+parked+" self="+self)
	}
	return types.HeaderStopIteration
}

func onRequestBody(ctx wrapper.HttpContext, c config, body []byte) types.Action {
	switch path() {
	case "/t/local":
		_ = proxywasm.SendHttpResponseWithDetail(418, "testplugin.local", [][2]string{{"content-type", "application/json"}, {"x-local", "yes"}},
			[]byte(`{"local":true,"bodyLength":`+strconv.Itoa(len(body))+`}`), -1)
		return types.ActionPause
	case "/t/echo", "/t/evil-host":
		host := "backend.test"
		if path() == "/t/evil-host" {
			host = "evil.example:1"
		}
		_ = proxywasm.ReplaceHttpRequestHeader(":path", "/echo?from=plugin&q=a%2Fb")
		_ = proxywasm.ReplaceHttpRequestHeader(":authority", host)
		_ = proxywasm.ReplaceHttpRequestHeader("x-plugin", "1")
		_ = proxywasm.RemoveHttpRequestHeader("authorization")
		_ = proxywasm.RemoveHttpRequestHeader("user-agent")
		_ = proxywasm.RemoveHttpRequestHeader("accept-encoding")
		_ = proxywasm.RemoveHttpRequestHeader("content-length")
		_ = proxywasm.ReplaceHttpRequestBody(bytes.ToUpper(body))
		return types.ActionContinue
	case "/t/callout-body":
		_, err := proxywasm.DispatchHttpCall(c.cluster, [][2]string{{":method", "POST"}, {":path", "/token"}, {":authority", "auth.test"}, {"content-type", "text/plain"}}, body, nil, 2000,
			func(n, size, _ int) {
				got, _ := proxywasm.GetHttpCallResponseBody(0, size)
				_ = proxywasm.ReplaceHttpRequestHeader(":path", "/echo")
				_ = proxywasm.RemoveHttpRequestHeader("content-length")
				_ = proxywasm.ReplaceHttpRequestBody(append([]byte("token:"), got...))
				_ = proxywasm.ResumeHttpRequest()
			})
		if err != nil {
			return types.ActionContinue
		}
		return types.ActionPause
	case "/t/alias":
		// Envoy copies what the plugin hands it; reusing the buffer afterwards changes nothing.
		buf := []byte("original body")
		_ = proxywasm.ReplaceHttpRequestBody(buf)
		copy(buf, "MUTATED")
		_ = proxywasm.RemoveHttpRequestHeader("content-length")
		_ = proxywasm.ReplaceHttpRequestHeader(":path", "/echo")
		return types.ActionContinue
	case "/t/stuck":
		return types.ActionPause
	case "/t/shared":
		return sharedOp(body)
	case "/t/set-flag":
		if err := proxywasm.SetSharedData(flagKey, []byte(vmID()), 0); err != nil {
			_ = proxywasm.SendHttpResponseWithDetail(500, "testplugin.flag", nil, []byte(err.Error()), -1)
			return types.ActionPause
		}
		_ = proxywasm.SendHttpResponseWithDetail(200, "testplugin.flag", [][2]string{{"x-vm-id", vmID()}}, []byte("flag set"), -1)
		return types.ActionPause
	case "/t/incr":
		return incrAcrossCallout(c)
	case "/t/redis":
		return redisCommand(c, body)
	case "/t/panic":
		panic("testplugin: boom")
	}
	_ = proxywasm.RemoveHttpRequestHeader("content-length")
	_ = proxywasm.ReplaceHttpRequestHeader(":path", "/echo")
	return types.ActionContinue
}

func onResponseHeaders(ctx wrapper.HttpContext, c config) types.Action {
	_ = proxywasm.AddHttpResponseHeader("x-plugin-response", "1")
	_ = proxywasm.RemoveHttpResponseHeader("set-cookie")
	_ = proxywasm.RemoveHttpResponseHeader("content-length")
	return types.HeaderStopIteration
}

func onResponseBody(ctx wrapper.HttpContext, c config, body []byte) types.Action {
	_ = proxywasm.ReplaceHttpResponseBody(append([]byte("wrapped:"), body...))
	return types.ActionContinue
}
