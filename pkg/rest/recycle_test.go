package rest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"
)

// TestRecycle: a Call and a Request recycled after any other call build and convert exactly
// what fresh ones do, and keep nothing of the last call but buffers within the bound.
func TestRecycle(t *testing.T) {
	f := loadFixture(t)
	client := [][2]string{{":method", "POST"}, {":authority", "gw.example.com"}, {":scheme", "https"},
		{"content-type", "application/json"}, {"user-agent", "ua"}, {"x-forwarded-for", "203.0.113.7"}}
	calls := []struct{ tool, args string }{
		{"sandbox_run", `{"sandbox":"sb-1","code":"` + strings.Repeat("print(1)\\n", 200) + `"}`},
		{"get_item", `{"id":"a/b","q":"x y"}`},
		{"create_issue", `{"title":"t"}`},
		{"delete_note", `{"teamPath":"eng","noteId":"n1"}`},
		{"search_code", `{"owner":"o","repo":"r","query":"q","page":2}`},
	}
	type built struct {
		wire   [][2]string
		body   string
		result string
	}
	run := func(c *Call, r *Request, tool, args string) built {
		require.NoError(t, f.tool(t, tool).Prepare(gjson.Parse(args), c))
		require.NoError(t, c.Build(client, r))
		return built{append([][2]string(nil), r.Wire(client)...), string(r.Body),
			string(c.ConvertResponse(200, "application/json", []byte(`{"ok":1}`), 64))}
	}
	var c Call
	var r Request
	for round := 0; round < 2; round++ {
		for _, tc := range calls {
			var fc Call
			var fr Request
			want := run(&fc, &fr, tc.tool, tc.args)
			assert.Equal(t, want, run(&c, &r, tc.tool, tc.args), "round %d, %s after recycling", round, tc.tool)
			c.Recycle(256)
			r.Recycle(256)
			assert.Nil(t, c.tool)
			assert.Empty(t, c.vals)
			assert.Equal(t, gjson.Result{}, c.vals[:1][0], "no argument of the last call is kept")
			assert.LessOrEqual(t, cap(r.Body), 256, "a body above the bound is dropped")
			assert.LessOrEqual(t, cap(c.dataBuf), 256)
			assert.Empty(t, r.Headers)
			if cap(r.Headers) > 0 {
				assert.Equal(t, [2]string{}, r.Headers[:1][0], "no header of the last call is kept")
			}
		}
	}
}
