package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/tidwall/sjson"
)

// groupDuplicatesAndUTF8: what is checked is what is used. Duplicate member
// names in params or params.arguments, and strings that are not valid UTF-8,
// are refused with HTTP 400 -32602 before anything is read, and nothing goes
// upstream. The modern case is the issue's: the Mcp-Param-Pet-Id check would
// read one occurrence and the request would be built from the other.
func groupDuplicatesAndUTF8(t *testing.T) {
	bridge := loadYAMLConfig(t, testdataPath("bridge.yaml"))
	modernDup := `{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":7,"petId":8},` + modernMeta + `}}`
	legacyDup := callBody(5, "get_pet", `{"petId":"p1","petId":"../admin"}`)
	paramsDup := `{"jsonrpc":"2.0","id":6,"method":"tools/call","params":{"name":"get_pet","name":"region_info","arguments":{"petId":"p1"}}}`
	paramsOther := `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"get_pet","x-trace":1,"x-trace":2,"arguments":{"petId":"p1"}}}`
	badUTF8 := callBody(7, "get_pet", "{\"petId\":\"p\xff1\"}")
	loneSurrogate := callBody(8, "get_pet", `{"petId":"p\ud800"}`)
	at := func(body, marker string) string {
		return " (byte " + strconv.Itoa(strings.LastIndex(body, marker)) + ")"
	}
	for _, tc := range []struct {
		name    string
		cfg     []byte
		headers [][2]string
		body    string
		msg     string
	}{
		{"modern arguments", petstoreConfig(t), modernHeaders("tools/call", "get_pet", [2]string{"mcp-param-pet-id", "7"}), modernDup,
			"Invalid params: duplicate member name in params.arguments" + at(modernDup, `"petId"`)},
		{"legacy arguments", bridge, legacyHeaders(), legacyDup, "Invalid params: duplicate member name in params.arguments" + at(legacyDup, `"petId"`)},
		{"params", bridge, legacyHeaders(), paramsDup, `Invalid params: duplicate "name" member`},
		{"params, other member", bridge, legacyHeaders(), paramsOther, "Invalid params: duplicate member name in params" + at(paramsOther, `"x-trace"`)},
		{"invalid UTF-8", bridge, legacyHeaders(), badUTF8, "Invalid params: a string in params.arguments is not valid UTF-8" + at(badUTF8, "\xff")},
		{"lone surrogate", bridge, legacyHeaders(), loneSurrogate, "Invalid params: a string in params.arguments is not valid UTF-8" + at(loneSurrogate, `\ud800`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := mustStart(t, tc.cfg)
			post(host, tc.headers, tc.body)
			lr := localResponse(t, host)
			require.Equal(t, uint32(400), lr.StatusCode)
			id := jsonField(t, []byte(tc.body), "id").Raw
			want, err := sjson.Set(`{"jsonrpc":"2.0","id":`+id+`,"error":{"code":-32602}}`, "error.message", tc.msg)
			require.NoError(t, err)
			require.JSONEq(t, want, string(lr.Data))
			require.NotContains(t, string(lr.Data), "\xff")
		})
	}
}
