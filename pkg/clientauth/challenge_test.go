package clientauth

import (
	"reflect"
	"testing"
)

func TestMetadata(t *testing.T) {
	cases := []struct {
		resource, url string
		serves        []string
		notServes     []string
	}{
		{"https://mcp.example.com/mcp", "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
			[]string{"/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource/mcp?x=1"},
			[]string{"/mcp", "/.well-known/oauth-protected-resource/other", "/.well-known/oauth-protected-resource/"}},
		{"https://mcp.example.com", "https://mcp.example.com/.well-known/oauth-protected-resource",
			[]string{"/.well-known/oauth-protected-resource"}, []string{"/.well-known/oauth-protected-resource/mcp"}},
		{"http://127.0.0.1:18080/a/mcp/", "http://127.0.0.1:18080/.well-known/oauth-protected-resource/a/mcp",
			[]string{"/.well-known/oauth-protected-resource/a/mcp"}, nil},
	}
	for _, tc := range cases {
		m, err := NewMetadata(ResourceMetadata{Resource: tc.resource, AuthorizationServers: []string{"https://idp.example.com"}, ScopesSupported: []string{"orders.read"}})
		if err != nil {
			t.Fatalf("%s: %v", tc.resource, err)
		}
		if m.URL() != tc.url {
			t.Errorf("URL = %s, want %s", m.URL(), tc.url)
		}
		for _, p := range tc.serves {
			if !m.Serves(p) {
				t.Errorf("%s: does not serve %s", tc.resource, p)
			}
		}
		for _, p := range tc.notServes {
			if m.Serves(p) {
				t.Errorf("%s: serves %s", tc.resource, p)
			}
		}
		want := `{"resource":"` + tc.resource + `","authorization_servers":["https://idp.example.com"],"scopes_supported":["orders.read"],"bearer_methods_supported":["header"]}`
		if string(m.Document()) != want {
			t.Errorf("document = %s", m.Document())
		}
	}
	for _, bad := range []string{"", "mcp.example.com/mcp", "ftp://x/y", "https://x/mcp?a=1", "https://x/mcp#f", "https://u:p@x/mcp", `https://x/m"cp`} {
		if _, err := NewMetadata(ResourceMetadata{Resource: bad}); err == nil {
			t.Errorf("resource %q accepted", bad)
		}
	}
}

func TestChallenge(t *testing.T) {
	m, err := NewMetadata(ResourceMetadata{Resource: "https://mcp.example.com/mcp"})
	if err != nil {
		t.Fatal(err)
	}
	const rm = `resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp"`
	cases := []struct {
		name string
		m    *Metadata
		err  error
		want Answer
	}{
		{"missing", m, &MissingError{}, Answer{401, "Bearer " + rm,
			[]byte(`{"error":"Unauthorized","message":"authentication required"}`), ReasonMissing}},
		{"missing, tool scopes", m, &MissingError{Scopes: []string{"a", "b"}}, Answer{401, "Bearer " + rm + `, scope="a b"`,
			[]byte(`{"error":"Unauthorized","message":"authentication required"}`), ReasonMissing}},
		{"invalid", m, invalid(ReasonExpired, "token has expired"), Answer{401, "Bearer " + rm + `, error="invalid_token"`,
			[]byte(`{"error":"Unauthorized","message":"token has expired"}`), ReasonExpired}},
		{"scope", m, &ForbiddenError{Tool: "list_orders", MissingScopes: []string{"orders.read"}}, Answer{403,
			`Bearer ` + rm + `, error="insufficient_scope", scope="orders.read"`,
			[]byte(`{"error":"Forbidden","message":"tool list_orders requires scope orders.read"}`), ReasonForbidden}},
		{"consumer", m, &ForbiddenError{Tool: "list_orders"}, Answer{403, "",
			[]byte(`{"error":"Forbidden","message":"tool list_orders is not allowed for this consumer"}`), ReasonForbidden}},
		{"no metadata", nil, &MissingError{}, Answer{401, "Bearer",
			[]byte(`{"error":"Unauthorized","message":"authentication required"}`), ReasonMissing}},
		{"no metadata, invalid", nil, invalid(ReasonBadSignature, "x"), Answer{401, `Bearer error="invalid_token"`,
			[]byte(`{"error":"Unauthorized","message":"x"}`), ReasonBadSignature}},
	}
	for _, tc := range cases {
		if got := Challenge(tc.m, tc.err); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v %s\nwant %+v %s", tc.name, got, got.Body, tc.want, tc.want.Body)
		}
	}
}

func TestCheck(t *testing.T) {
	alice := Identity{Consumer: "alice", Scopes: []string{"orders.read"}, Kind: KindJWT}
	cases := []struct {
		name string
		rule *Allow
		id   Identity
		want error
	}{
		{"no rule, anonymous", nil, Identity{}, nil},
		{"scope held", &Allow{Scopes: []string{"orders.read"}}, alice, nil},
		{"scope missing", &Allow{Scopes: []string{"orders.read", "orders.write"}}, alice, &ForbiddenError{Tool: "t", MissingScopes: []string{"orders.write"}}},
		{"consumer listed", &Allow{Consumers: []string{"bob", "alice"}}, alice, nil},
		{"consumer not listed", &Allow{Consumers: []string{"bob"}}, alice, &ForbiddenError{Tool: "t"}},
		{"both, scope first", &Allow{Scopes: []string{"x"}, Consumers: []string{"bob"}}, alice, &ForbiddenError{Tool: "t", MissingScopes: []string{"x"}}},
		{"anonymous facing a rule", &Allow{Scopes: []string{"orders.read"}}, Identity{}, &MissingError{Scopes: []string{"orders.read"}}},
		{"empty rule, authenticated", &Allow{}, Identity{Consumer: "carol", Kind: KindAPIKey}, nil},
	}
	for _, tc := range cases {
		if got := Check(tc.rule, "t", tc.id); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %#v, want %#v", tc.name, got, tc.want)
		}
	}
}
