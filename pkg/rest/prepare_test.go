package rest

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
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

// A refused Prepare leaves the Call unprepared, also when it was prepared before: Build,
// LocalResult and ConvertResponse then refuse instead of using stale arguments.
func TestPrepareRefusalUnprepares(t *testing.T) {
	tools := []*Tool{validateTool(t)}
	for _, tool := range loadFixture(t).tools {
		tools = append(tools, tool)
	}
	const unprepared = `{"content":[{"type":"text","text":"rest: the call was not prepared"}],"isError":true}`
	refused := 0
	for _, tool := range tools {
		good := "" // arguments this tool accepts, to prepare the Call before a refusal
		for _, a := range prepareArgs {
			var c Call
			if a != "" && tool.Prepare(gjson.Parse(a), &c) == nil {
				good = a
				break
			}
		}
		for _, a := range prepareArgs {
			var c Call
			if good != "" {
				require.NoError(t, tool.Prepare(gjson.Parse(good), &c))
			}
			err := tool.Prepare(gjson.Parse(a), &c)
			if err == nil {
				assert.Same(t, tool, c.tool, "%s %s", tool.Name(), a)
				continue
			}
			msg := tool.Name() + " " + a
			refused++
			assert.IsType(t, &CallError{}, err, msg)
			assert.Nil(t, c.tool, msg)
			for _, v := range c.vals {
				assert.False(t, v.Exists(), "%s: values cleared", msg)
			}
			var r Request
			assert.Equal(t, &CallError{Msg: "rest: the call was not prepared"}, c.Build(clientHeaders, &r), msg)
			assert.Equal(t, unprepared, string(c.LocalResult()), msg)
			assert.Equal(t, unprepared, string(c.ConvertResponse(200, "application/json", []byte(`{}`), 512)), msg)
		}
	}
	assert.Greater(t, refused, 20, "the argument sets must include refusals")
}

// A Call and a Request reused across tools and arguments build exactly what fresh ones build,
// and a Call keeps no reference to the client's headers after Build.
func TestReusedCallBuildsAsFresh(t *testing.T) {
	f := loadFixture(t)
	names := make([]string, 0, len(f.tools))
	for name, tool := range f.tools {
		if tool.HasUpstream() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var call Call
	var reused Request
	for _, a := range prepareArgs {
		for _, name := range names {
			tool := f.tools[name]
			args := gjson.Parse(a)
			msg := name + " " + a
			var fresh Request
			wantErr := build(tool, args, clientHeaders, &fresh)
			err := tool.Prepare(args, &call)
			if err == nil {
				err = call.Build(clientHeaders, &reused)
				assert.Nil(t, call.client, msg)
			}
			require.Equal(t, wantErr, err, msg)
			if err == nil {
				assert.Equal(t, wantReq{fresh.Method, fresh.Scheme, fresh.Authority, fresh.URI(), fresh.Headers, string(fresh.Body)},
					wantReq{reused.Method, reused.Scheme, reused.Authority, reused.URI(), reused.Headers, string(reused.Body)}, msg)
			}
		}
	}
}
