package config

import (
	"strings"
	"testing"
)

func jwtURI(extra string) string {
	return withClientAuth(`{"jwt":{"issuer":"https://idp.example.com","audiences":["https://mcp.example.com/mcp"]`+extra+`}}`, "", getTool("a"))
}

func TestJWKSURIErrors(t *testing.T) {
	for _, tc := range []struct{ name, extra, want string }{
		{"both", `,"jwks":"{}","jwksUri":"https://idp.example.com/jwks"`, "bridge.clientAuth.jwt.jwksUri: set either jwks (inline) or jwksUri (fetched), not both"},
		{"neither", ``, "bridge.clientAuth.jwt.jwks: is required (or jwksUri)"},
		{"cluster alone", `,"jwksCluster":"idp"`, "bridge.clientAuth.jwt.jwksCluster: needs jwksUri"},
		{"relative", `,"jwksUri":"/jwks"`, "bridge.clientAuth.jwt.jwksUri: must be an absolute https URL without user info or fragment"},
		{"ftp", `,"jwksUri":"ftp://idp.example.com/jwks"`, "bridge.clientAuth.jwt.jwksUri: must be an absolute https URL"},
		{"user info", `,"jwksUri":"https://u:` + plantedSecret + `@idp.example.com/jwks"`, "bridge.clientAuth.jwt.jwksUri: must be an absolute https URL without user info"},
		{"fragment", `,"jwksUri":"https://idp.example.com/jwks#k"`, "bridge.clientAuth.jwt.jwksUri: must be an absolute https URL"},
		{"cluster empty", `,"jwksUri":"https://idp.example.com/jwks","jwksCluster":""`, "bridge.clientAuth.jwt.jwksCluster: must be a cluster name without whitespace"},
		{"cluster space", `,"jwksUri":"https://idp.example.com/jwks","jwksCluster":"a b"`, "bridge.clientAuth.jwt.jwksCluster: must be a cluster name without whitespace"},
		{"uri type", `,"jwksUri":3`, "bridge.clientAuth.jwt.jwksUri: must be a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(jwtURI(tc.extra)), secretEnv)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), plantedSecret) {
				t.Fatalf("err = %v\nwant prefix %s", err, tc.want)
			}
		})
	}
}

func TestJWKSURIParse(t *testing.T) {
	for _, tc := range []struct{ name, extra, uri, cluster, warning string }{
		{"https default cluster", `,"jwksUri":"https://idp.example.com/.well-known/jwks.json"`,
			"https://idp.example.com/.well-known/jwks.json", "outbound|443||idp.example.com", ""},
		{"port", `,"jwksUri":"https://idp.example.com:8443/jwks"`, "https://idp.example.com:8443/jwks", "outbound|8443||idp.example.com", ""},
		{"explicit cluster", `,"jwksUri":"https://idp.example.com/jwks","jwksCluster":"outbound|443||keycloak.svc.cluster.local"`,
			"https://idp.example.com/jwks", "outbound|443||keycloak.svc.cluster.local", ""},
		{"http warns", `,"jwksUri":"http://keycloak:8080/realms/r/protocol/openid-connect/certs"`,
			"http://keycloak:8080/realms/r/protocol/openid-connect/certs", "outbound|8080||keycloak",
			"bridge.clientAuth.jwt.jwksUri: JWKS URL is plain http: the keys that decide who is authenticated travel unprotected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustParse(t, jwtURI(tc.extra))
			uri, cluster := c.ClientAuth.Auth.JWKSURI()
			if uri != tc.uri || cluster != tc.cluster {
				t.Fatalf("JWKSURI() = %q %q, want %q %q", uri, cluster, tc.uri, tc.cluster)
			}
			var warns []string
			for _, w := range c.Warnings {
				if strings.HasPrefix(w.Path, "bridge.clientAuth") {
					warns = append(warns, w.Path+": "+w.Msg)
				}
			}
			if want := []string{}; tc.warning != "" {
				want = append(want, tc.warning)
				if strings.Join(warns, "\n") != tc.warning {
					t.Fatalf("warnings %q, want %q", warns, want)
				}
			} else if len(warns) != 0 {
				t.Fatalf("warnings %q, want none", warns)
			}
		})
	}
	// Inline keys keep JWKSURI empty.
	if uri, cluster := mustParse(t, jwtURI(`,"jwks":`+jwksString(t))).ClientAuth.Auth.JWKSURI(); uri != "" || cluster != "" {
		t.Fatalf("inline: %q %q", uri, cluster)
	}
}
