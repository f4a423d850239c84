package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"

	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/proxytest"
	"github.com/higress-group/proxy-wasm-go-sdk/proxywasm/types"
)

func verifier(expect string, sc scenario, fx fixtures) func(outcome) error {
	if expect == "noop" {
		return func(res outcome) error { return checkNoop(res, fx) }
	}
	if sc.method == "tools/list" {
		return func(res outcome) error { return checkToolsList(res, fx) }
	}
	return func(res outcome) error { return checkBridge(res, sc, fx) }
}

// checkNoop: the baseline must hand everything through untouched.
func checkNoop(res outcome, fx fixtures) error {
	if res.localResponse != nil {
		return fmt.Errorf("no-op plugin sent a local response (HTTP %d)", res.localResponse.StatusCode)
	}
	if err := allContinue(res, false); err != nil {
		return err
	}
	if !reflect.DeepEqual(res.requestHeaders, fx.requestHeaders) {
		return fmt.Errorf("request headers changed: %q", res.requestHeaders)
	}
	if !bytes.Equal(res.requestBody, fx.requestBody) || !bytes.Equal(res.responseBody, fx.responseBody) {
		return fmt.Errorf("a body changed")
	}
	if !reflect.DeepEqual(res.responseHeaders, fx.responseHeaders) {
		return fmt.Errorf("response headers changed: %q", res.responseHeaders)
	}
	return nil
}

// checkBridge: the request went upstream rewritten, with the right
// credential, and the client got a tools/call result carrying the body.
func checkBridge(res outcome, sc scenario, fx fixtures) error {
	if res.localResponse != nil {
		return fmt.Errorf("plugin answered locally instead of calling the backend: HTTP %d %s",
			res.localResponse.StatusCode, res.localResponse.Data)
	}
	if err := allContinue(res, true); err != nil {
		return err
	}
	if err := checkUpstream(res.requestHeaders, sc); err != nil {
		return fmt.Errorf("upstream request: %w", err)
	}
	if len(res.requestBody) != 0 {
		return fmt.Errorf("upstream request: GET carries a %d-byte body", len(res.requestBody))
	}
	if ct := header(res.responseHeaders, "content-type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("client response: content-type %q, want application/json", ct)
	}
	if st := header(res.responseHeaders, ":status"); st != "200" {
		return fmt.Errorf("client response: :status %q, want 200", st)
	}
	return checkToolResult(res.responseBody, fx.responseBody)
}

// allContinue: the request must go upstream and the response must reach the
// client. A plugin that rewrites the response may hold its headers back
// (StopIteration) until it has the body, as Envoy allows.
func allContinue(res outcome, mayHoldResponseHeaders bool) error {
	phases := []struct {
		name string
		got  types.Action
		hold bool
	}{
		{"request body", res.afterReqBody, false},
		{"response headers", res.afterRespHeaders, mayHoldResponseHeaders},
		{"response body", res.afterRespBody, false},
	}
	for _, p := range phases {
		if p.got != types.ActionContinue && !(p.hold && p.got == types.HeaderStopIteration) {
			return fmt.Errorf("%s phase returned action %d, want Continue", p.name, p.got)
		}
	}
	return nil
}

func checkUpstream(h [][2]string, sc scenario) error {
	if m := header(h, ":method"); m != "GET" {
		return fmt.Errorf(":method %q, want GET", m)
	}
	if a := header(h, ":authority"); a != upstreamHost {
		return fmt.Errorf(":authority %q, want %q", a, upstreamHost)
	}
	u, err := url.ParseRequestURI(header(h, ":path"))
	if err != nil {
		return fmt.Errorf(":path: %w", err)
	}
	if u.EscapedPath() != upstreamPath {
		return fmt.Errorf(":path %q, want path %q", u.EscapedPath(), upstreamPath)
	}
	if q := u.Query(); len(q) != 1 || q.Get("fields") != fieldsArg {
		return fmt.Errorf(":path query %q, want only fields=%q", u.RawQuery, fieldsArg)
	}
	for _, kv := range sc.wantHeaders {
		if got := headerValues(h, kv[0]); len(got) != 1 || got[0] != kv[1] {
			return fmt.Errorf("header %s: %d value(s), want exactly the configured credential", kv[0], len(got))
		}
	}
	for _, name := range sc.absentHeaders {
		if len(headerValues(h, name)) != 0 {
			return fmt.Errorf("header %s must not reach the backend", name)
		}
	}
	return nil
}

// checkToolResult: a JSON-RPC success whose text content is the backend body.
func checkToolResult(body, backend []byte) error {
	var msg struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   json.RawMessage `json:"error"`
		Result  *struct {
			Content []struct{ Type, Text string } `json:"content"`
			IsError bool                          `json:"isError"`
		} `json:"result"`
	}
	if err := json.Unmarshal(body, &msg); err != nil {
		return fmt.Errorf("client response is not JSON: %w: %.200q", err, body)
	}
	switch {
	case msg.JSONRPC != "2.0" || string(msg.ID) != fmt.Sprint(rpcID):
		return fmt.Errorf("client response: jsonrpc %q id %s, want 2.0 and %d", msg.JSONRPC, msg.ID, rpcID)
	case msg.Error != nil || msg.Result == nil:
		return fmt.Errorf("client response is not a result: %.300s", body)
	case msg.Result.IsError:
		return fmt.Errorf("tools/call result has isError: %.300s", body)
	case len(msg.Result.Content) == 0 || msg.Result.Content[0].Type != "text":
		return fmt.Errorf("tools/call result has no text content: %.300s", body)
	}
	if !jsonEqual([]byte(msg.Result.Content[0].Text), backend) {
		return fmt.Errorf("tools/call text is not the backend body: %.200q", msg.Result.Content[0].Text)
	}
	return nil
}

func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

func header(h [][2]string, name string) string {
	if v := headerValues(h, name); len(v) > 0 {
		return v[0]
	}
	return ""
}

func headerValues(h [][2]string, name string) []string {
	var out []string
	for _, kv := range h {
		if strings.EqualFold(kv[0], name) {
			out = append(out, kv[1])
		}
	}
	return out
}

// checkTokenRequest: the plugin's token request is the configured client-credentials
// grant, sent to the token endpoint's cluster with the client's Basic credentials.
func checkTokenRequest(c proxytest.HttpCalloutAttribute) error {
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(oauthClientID+":"+oauthClientSecret))
	form, err := url.ParseQuery(string(c.Body))
	switch {
	case c.Upstream != oauthCluster:
		return fmt.Errorf("token request to cluster %q, want %q", c.Upstream, oauthCluster)
	case header(c.Headers, ":method") != "POST":
		return fmt.Errorf("token request method %q, want POST", header(c.Headers, ":method"))
	case header(c.Headers, "authorization") != basic:
		return fmt.Errorf("token request without the client's Basic credentials")
	case err != nil || form.Get("grant_type") != "client_credentials" || form.Get("scope") != "pets.read":
		return fmt.Errorf("token request form %q, want grant_type=client_credentials and scope=pets.read", c.Body)
	}
	return nil
}

// checkToolsList: the plugin answered tools/list itself (nothing went upstream) with
// the configured tools.
func checkToolsList(res outcome, fx fixtures) error {
	lr := res.localResponse
	if lr == nil {
		return fmt.Errorf("tools/list was not answered by the plugin (the request went upstream)")
	}
	if lr.StatusCode != 200 {
		return fmt.Errorf("tools/list answer: HTTP %d %.300s", lr.StatusCode, lr.Data)
	}
	if ct := header(lr.Headers, "content-type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("tools/list answer: content-type %q, want application/json", ct)
	}
	var msg struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Result  *struct {
			Tools []listedTool `json:"tools"`
		} `json:"result"`
	}
	if err := json.Unmarshal(lr.Data, &msg); err != nil {
		return fmt.Errorf("tools/list answer is not JSON: %w: %.200q", err, lr.Data)
	}
	switch {
	case msg.JSONRPC != "2.0" || string(msg.ID) != fmt.Sprint(rpcID):
		return fmt.Errorf("tools/list answer: jsonrpc %q id %s, want 2.0 and %d", msg.JSONRPC, msg.ID, rpcID)
	case msg.Result == nil:
		return fmt.Errorf("tools/list answer is not a result: %.300s", lr.Data)
	}
	if !reflect.DeepEqual(msg.Result.Tools, fx.tools) {
		return fmt.Errorf("tools/list answer does not list the configured tools: %.300s", lr.Data)
	}
	return nil
}
