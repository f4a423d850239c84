package config

import (
	"reflect"
	"testing"
)

// Keys Higress 2.2 added to its REST server config: server.version and tools[].legacyOnly.

func TestParseServerVersion(t *testing.T) {
	cases := []struct{ name, server, bridge, want string }{
		{"neither: default", ``, ``, "1.0.0"},
		{"server.version (Higress 2.2)", `,"version":"2.5.0"`, ``, "2.5.0"},
		{"server.version trimmed as Higress does", `,"version":"  2.5.0 beta\t"`, ``, "2.5.0 beta"},
		{"blank server.version: default, as Higress", `,"version":"   "`, ``, "1.0.0"},
		{"bridge.serverVersion", ``, `,"bridge":{"serverVersion":"0.9.1"}`, "0.9.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, `{"server":{"name":"s"`+tc.server+`}`+tc.bridge+`,"tools":[`+getTool("a")+`]}`)
			if c.Server.Version != tc.want || c.MCP.Info.Version != tc.want {
				t.Fatalf("Server.Version %q, MCP.Info.Version %q, want %q", c.Server.Version, c.MCP.Info.Version, tc.want)
			}
		})
	}
}

func TestParseLegacyOnly(t *testing.T) {
	c := mustParse(t, cfg(getTool("a")+`,{"name":"b","legacyOnly":true,"requestTemplate":{"url":"/b","method":"GET"}},`+
		`{"name":"c","legacyOnly":false,"requestTemplate":{"url":"/c","method":"GET"}}`))
	var got []bool
	for i := range c.Tools {
		if c.Tools[i].LegacyOnly != c.LegacyOnly(i) {
			t.Fatalf("tool %d: Tools[i].LegacyOnly and LegacyOnly(i) disagree", i)
		}
		got = append(got, c.LegacyOnly(i))
	}
	if want := []bool{false, true, false}; !reflect.DeepEqual(got, want) {
		t.Fatalf("LegacyOnly = %v, want %v", got, want)
	}
	// The list entry is the same either way: the mcp package decides per era what to list.
	if string(c.Entries()[1]) != string(c.Tools[1].Rest.ListEntry()) {
		t.Fatalf("entry of a legacy-only tool differs from its ListEntry")
	}
}

// TestNonRESTKeyHintsArePathSpecific: the mcp-proxy hint is given for server.timeout, not for a
// key of the same name elsewhere.
func TestNonRESTKeyHintsArePathSpecific(t *testing.T) {
	_, err := Parse([]byte(cfg(`{"name":"a","timeout":5}`)), nil)
	if err == nil || err.Error() != "tools[0].timeout: unknown key" {
		t.Fatalf("error %v, want exactly %q", err, "tools[0].timeout: unknown key")
	}
}
