package rest

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	tpl "github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"
)

var prepareArgs = []string{
	``, `null`, `[1]`, `"x"`, `{}`,
	`{"city":"Oslo","units":"metric","days":3,"ratio":0.5,"on":true,"tags":[],"opts":{},"level":2,"anything":[1]}`,
	`{"city":"Oslo","days":"3","ratio":"1.5e2","on":"false","level":"3"}`,
	`{"city":null}`, `{"city":"Oslo","days":"x","days":4}`, `{"level":7,"units":"kelvin","city":12}`,
	`{"id":"item-42","q":"red shoes"}`, `{"id":"../admin?x=1#f","limit":"3"}`, `{"id":null,"id":"2","limit":5.0}`,
	`{"owner":"o","repo":"r/x y?","query":"lang:go a+b","page":2}`, `{"sandbox":"i1a2b3","code":"print(\"hi\")\n"}`,
	`{"teamPath":"team a","noteId":"n/1"}`, `{"province":"p","code":"c"}`, `{"title":"a \"b\"\n","labels":["x"]}`,
}

// ValidateArgsInto validates exactly as ValidateArgs.
func TestValidateArgsIntoMatchesValidateArgs(t *testing.T) {
	tools := []*Tool{validateTool(t)}
	for _, tool := range loadFixture(t).tools {
		tools = append(tools, tool)
	}
	for _, tool := range tools {
		for _, a := range prepareArgs {
			args := gjson.Parse(a)
			var r Request
			want, got := tool.ValidateArgs(args), tool.ValidateArgsInto(args, &r)
			assert.Equal(t, want, got, "%s %s", tool.Name(), a)
			if got != nil {
				assert.Nil(t, r.cc.preTool, "%s %s: nothing kept after a refusal", tool.Name(), a)
			}
		}
	}
}

// BuildRequest after ValidateArgsInto builds what BuildRequest alone builds, also when the
// kept args are for another tool or other arguments.
func TestBuildRequestAfterValidateArgsInto(t *testing.T) {
	fixedRand(t)
	f := loadFixture(t)
	names := make([]string, 0, len(f.tools))
	for name, tool := range f.tools {
		if tool.HasUpstream() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	type built struct {
		req Request
		err error
	}
	plain := func(tool *Tool, args gjson.Result) built {
		fixedRand(t)
		var b built
		b.err = tool.BuildRequest(args, clientHeaders, &b.req)
		b.req.cc, b.req.url, b.req.text, b.req.body = callCtx{}, tpl.URLSink{}, tpl.TextSink{}, tpl.BodySink{}
		return b
	}
	same := func(msg string, want built, r *Request, err error) {
		t.Helper()
		assert.Equal(t, want.err, err, msg)
		if want.err == nil {
			assert.Equal(t, wantReq{want.req.Method, want.req.Scheme, want.req.Authority, want.req.URI(), want.req.Headers, string(want.req.Body)},
				wantReq{r.Method, r.Scheme, r.Authority, r.URI(), r.Headers, string(r.Body)}, msg)
		}
		assert.Nil(t, r.cc.preTool, msg)
		for _, v := range r.cc.vals {
			assert.False(t, v.Exists(), "%s: vals released", msg)
		}
	}
	var reused Request
	for _, name := range names {
		tool := f.tools[name]
		for _, a := range prepareArgs {
			args := gjson.Parse(a)
			want := plain(tool, args)
			msg := name + " " + a

			var r Request
			if tool.ValidateArgsInto(args, &r) == nil {
				require.NotNil(t, r.cc.preTool, msg)
				fixedRand(t)
				same(msg+" (kept args)", want, &r, tool.BuildRequest(args, clientHeaders, &r))
			}

			// Kept for other arguments: resolved again.
			var o Request
			if tool.ValidateArgsInto(gjson.Parse(`{"id":"other","city":"x","q":"z"}`), &o) == nil {
				fixedRand(t)
				same(msg+" (other args kept)", want, &o, tool.BuildRequest(args, clientHeaders, &o))
			}

			// Kept by another tool: resolved again.
			for _, other := range names {
				if other == name {
					continue
				}
				var p Request
				if f.tools[other].ValidateArgsInto(args, &p) == nil {
					fixedRand(t)
					same(msg+" (kept by "+other+")", want, &p, tool.BuildRequest(args, clientHeaders, &p))
				}
				break
			}

			// A reused Request.
			if tool.ValidateArgsInto(args, &reused) == nil {
				fixedRand(t)
				same(msg+" (reused request)", want, &reused, tool.BuildRequest(args, clientHeaders, &reused))
			}
		}
	}
}
