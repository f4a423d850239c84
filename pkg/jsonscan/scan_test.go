package jsonscan

import (
	"strings"
	"testing"
)

var lim = Limits{Envelope: 64, Arguments: 128}

// call wraps arguments (raw JSON) into a legacy tools/call message.
func call(args string) string {
	return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_pet","arguments":` + args + `}}`
}

// pre is the offset of the arguments value in call's message.
var pre = len(call("")) - len("}}")

func nest(open, close string, n int, inner string) string {
	return strings.Repeat(open, n) + inner + strings.Repeat(close, n)
}

func TestMessage(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		kind   Kind
		region Region
		offset int
		id     string
	}{
		{name: "tools/call", body: call(`{"petId":"42","tags":["a","b"],"filter":{"since":"2024-01-01","limit":10}}`), id: "7"},
		{name: "string id", body: `{"jsonrpc":"2.0","id":"req-1","method":"ping"}`, id: `"req-1"`},
		{name: "escaped names", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"x","arguments":{"caf\u00e9":"Z\u00fcrich \ud83d\ude00","a\/b":"\"\\\/\b\f\n\r\t"}}}`, id: "1"},
		{name: "numbers", body: call(`{"a":0,"b":-0.5,"c":1e10,"d":2E-3,"e":-12.25e+7}`), id: "7"},
		{name: "literals and whitespace", body: " \t\r\n" + call(`{ "a" : true , "b":false,"c":null }`) + "\n", id: "7"},
		{name: "arguments at the limit", body: call(nest(`{"a":`, `}`, 127, `{}`)), id: "7"},
		{name: "envelope at the limit", body: `{"jsonrpc":"2.0","id":1,"method":"x","params":{"_meta":` + nest("[", "]", 61, "") + `}}`, id: "1"},
		{name: "params not object", body: `{"jsonrpc":"2.0","id":1,"method":"x","params":[{"arguments":` + nest("[", "]", 70, "") + `}]}`, kind: KindDepth, region: RegionParams, offset: 121, id: "1"},
		{name: "batch is envelope", body: `[{"params":{"arguments":` + nest("[", "]", 70, "") + `}}]`, kind: KindDepth, region: RegionEnvelope, offset: 85},

		{name: "empty", body: ``, kind: KindSyntax, region: RegionEnvelope},
		{name: "two values", body: `{} {}`, kind: KindSyntax, region: RegionEnvelope, offset: 3},
		{name: "trailing comma", body: `{"a":1,}`, kind: KindSyntax, region: RegionEnvelope, offset: 7},
		{name: "leading zero", body: call(`{"a":01}`), kind: KindSyntax, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "bare fraction", body: `[1.]`, kind: KindSyntax, offset: 3},
		{name: "bad literal", body: `[tru]`, kind: KindSyntax, offset: 1},
		{name: "control char", body: "[\"a\x01\"]", kind: KindSyntax, offset: 3},
		{name: "bad escape", body: `["\x"]`, kind: KindSyntax, offset: 2},
		{name: "short unicode", body: `["\u12"]`, kind: KindSyntax, offset: 2},
		{name: "unclosed string", body: `["abc`, kind: KindSyntax, offset: 5},
		{name: "unclosed object", body: `{"a":1`, kind: KindSyntax, offset: 6},
		{name: "missing colon", body: `{"a" 1}`, kind: KindSyntax, offset: 5},
		{name: "non-string name", body: `{1:2}`, kind: KindSyntax, offset: 1},
		{name: "mismatched bracket", body: `[}`, kind: KindSyntax, offset: 1},

		{name: "arguments too deep", body: call(nest("[", "]", 129, "")), kind: KindDepth, region: RegionArguments, offset: pre + 128, id: "7"},
		{name: "arguments too deep objects", body: call(nest(`{"a":`, `}`, 128, `{}`)), kind: KindDepth, region: RegionArguments, offset: pre + 5*128, id: "7"},
		{name: "envelope too deep", body: `{"id":3,"x":` + nest("[", "]", 64, "") + `}`, kind: KindDepth, region: RegionEnvelope, offset: 75, id: "3"},
		{name: "top-level nest", body: nest("[", "]", 1000, ""), kind: KindDepth, region: RegionEnvelope, offset: 64},
		{name: "deep and broken", body: strings.Repeat("[", 100), kind: KindDepth, region: RegionEnvelope, offset: 64},
		{name: "id after depth error", body: `{"x":` + nest("[", "]", 70, "") + `,"id":1}`, kind: KindDepth, region: RegionEnvelope, offset: 68},

		{name: "duplicate argument", body: call(`{"region":null,"region":"eu"}`), kind: KindDuplicate, region: RegionArguments, offset: pre + 15, id: "7"},
		{name: "duplicate escaped", body: call(`{"region":1,"r\u0065gion":2}`), kind: KindDuplicate, region: RegionArguments, offset: pre + 12, id: "7"},
		{name: "duplicate in params", body: `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"a","name":"b"}}`, kind: KindDuplicate, region: RegionParams, offset: 67, id: "1"},
		{name: "duplicate nested argument", body: call(`{"o":{"k":1,"k":2}}`), kind: KindDuplicate, region: RegionArguments, offset: pre + 12, id: "7"},
		{name: "duplicate top level", body: `{"jsonrpc":"2.0","id":1,"method":"ping","x":1,"x":2}`, kind: KindDuplicate, region: RegionEnvelope, offset: 46, id: "1"},
		{name: "duplicate after many names", body: call(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"c":11}`), kind: KindDuplicate, region: RegionArguments, offset: pre + 62, id: "7"},
		{name: "same name in sibling objects", body: call(`{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":1}]}`), id: "7"},
		{name: "same name after nested close", body: call(`{"a":{"a":{"a":1}},"b":1}`), id: "7"},
		{name: "duplicate id", body: `{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}`, kind: KindDuplicate, region: RegionEnvelope, offset: 24, id: "1"},

		{name: "raw invalid utf-8", body: call("{\"q\":\"caf\xe9\"}"), kind: KindUTF8, region: RegionArguments, offset: pre + 9, id: "7"},
		{name: "truncated utf-8", body: call("{\"q\":\"\xe2\x82\"}"), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "overlong utf-8", body: call("{\"q\":\"\xc0\xaf\"}"), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "utf-16 surrogate bytes", body: call("{\"q\":\"\xed\xa0\x80\"}"), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "lone high surrogate", body: call(`{"q":"\ud800x"}`), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "lone low surrogate", body: call(`{"q":"\udc00"}`), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "reversed pair", body: call(`{"q":"\udc00\ud800"}`), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "invalid utf-8 in a name", body: call("{\"\xff\":1}"), kind: KindUTF8, region: RegionArguments, offset: pre + 2, id: "7"},
		{name: "invalid utf-8 in method", body: "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"\xff\"}", kind: KindUTF8, region: RegionEnvelope, offset: 34, id: "1"},
		{name: "first soft error wins", body: call("{\"a\":\"\xff\",\"a\":1}"), kind: KindUTF8, region: RegionArguments, offset: pre + 6, id: "7"},
		{name: "syntax wins over soft", body: call(`{"a":1,"a":2`) + "x", kind: KindSyntax, region: RegionEnvelope, offset: pre + 14, id: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Message([]byte(tt.body), lim)
			if string(res.ID) != tt.id {
				t.Errorf("ID = %q, want %q", res.ID, tt.id)
			}
			if tt.kind == 0 {
				if res.Err != nil {
					t.Fatalf("unexpected error: %v", res.Err)
				}
				return
			}
			if res.Err == nil {
				t.Fatalf("no error, want kind %d", tt.kind)
			}
			got, want := *res.Err, Error{Kind: tt.kind, Region: tt.region, Offset: tt.offset}
			if tt.kind == KindDepth {
				want.Limit = lim.Envelope
				if tt.region == RegionArguments {
					want.Limit = lim.Arguments
				}
			}
			if tt.region == 0 {
				want.Region = RegionEnvelope
			}
			if got != want {
				t.Errorf("error = %+v, want %+v", got, want)
			}
			if res.Err.Fatal() != (tt.kind == KindSyntax || tt.kind == KindDepth) {
				t.Errorf("Fatal() = %v for kind %d", res.Err.Fatal(), tt.kind)
			}
		})
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{Kind: KindSyntax, Offset: 3}, "jsonscan: invalid JSON at byte 3"},
		{Error{Kind: KindDepth, Region: RegionArguments, Offset: 90, Limit: 128}, "jsonscan: params.arguments nested deeper than 128 levels at byte 90"},
		{Error{Kind: KindDepth, Region: RegionEnvelope, Offset: 64, Limit: 64}, "jsonscan: the message nested deeper than 64 levels at byte 64"},
		{Error{Kind: KindDuplicate, Region: RegionParams, Offset: 5}, "jsonscan: duplicate member name in params at byte 5"},
		{Error{Kind: KindUTF8, Region: RegionArguments, Offset: 9}, "jsonscan: string in params.arguments is not valid UTF-8 at byte 9"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestHugeNesting runs the sizes of the reported crash: the scan must stop
// at the limit without recursion, whatever the size.
func TestHugeNesting(t *testing.T) {
	for _, n := range []int{10_000, 250_000, 1_000_000} {
		for _, shape := range []struct{ open, close string }{{"[", "]"}, {`{"a":`, "}"}} {
			deep := nest(shape.open, shape.close, n, "1")
			for _, body := range []string{deep, call(deep), strings.Repeat(shape.open, n)} {
				res := Message([]byte(body), lim)
				if res.Err == nil || res.Err.Kind != KindDepth {
					t.Errorf("%d levels of %s: err = %v, want a depth error", n, shape.open, res.Err)
				}
			}
			if !Deeper([]byte(deep), 128) {
				t.Errorf("Deeper(%d levels of %s, 128) = false", n, shape.open)
			}
		}
	}
}

func TestDeeper(t *testing.T) {
	tests := []struct {
		body  string
		limit int
		want  bool
	}{
		{`{"a":[1,{"b":2}]}`, 3, false},
		{`{"a":[1,{"b":[2]}]}`, 3, true},
		{`[[[]]]`, 3, false},
		{`[[[[]]]]`, 3, true},
		{`["[[[[[[", "]]]"]`, 3, false},
		{`["\"[[[[[["]`, 3, false},
		{`[]]]][[[`, 3, false},
		{`[[[[`, 3, true},
		{"plain text [[[[ is not JSON", 3, true},
		{`"unclosed [[[[[[[`, 3, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		if got := Deeper([]byte(tt.body), tt.limit); got != tt.want {
			t.Errorf("Deeper(%q, %d) = %v, want %v", tt.body, tt.limit, got, tt.want)
		}
	}
}
