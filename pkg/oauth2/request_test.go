package oauth2

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

func TestRequest(t *testing.T) {
	tests := []struct {
		name    string
		spec    func() GrantSpec
		subject string
		cluster string
		path    string
		body    string
		basic   string // decoded "id:secret" of the Basic header, "" when none
	}{
		{
			name: "client credentials, basic, sorted scopes, audience as resource",
			spec: ccSpec, cluster: "outbound|443||auth.example.com", path: "/oauth2/token",
			body: "grant_type=client_credentials&scope=orders.read+orders.write" +
				"&audience=https%3A%2F%2Forders.example.com&resource=https%3A%2F%2Forders.example.com",
			basic: "orders-client:cc-secret-5d1f",
		},
		{
			name: "client_secret_post, explicit cluster, port and query kept",
			spec: func() GrantSpec {
				s := ccSpec()
				s.AuthMethod, s.Cluster, s.Audience = ClientSecretPost, "outbound|8443||idp.internal", ""
				s.TokenURL = "https://idp.internal:8443/realms/a/token?tenant=x"
				return s
			},
			cluster: "outbound|8443||idp.internal", path: "/realms/a/token?tenant=x",
			body: "grant_type=client_credentials&scope=orders.read+orders.write&client_id=orders-client&client_secret=cc-secret-5d1f",
		},
		{
			name: "RFC 6749 2.3.1: id and secret form-encoded before base64",
			spec: func() GrantSpec {
				s := ccSpec()
				s.ClientID, s.ClientSecret, s.Scopes, s.Audience = "my client", "p:a/s+s%w rd", nil, ""
				s.TokenURL = "http://auth.local/token"
				return s
			},
			cluster: "outbound|80||auth.local", path: "/token",
			body:  "grant_type=client_credentials",
			basic: "my+client:p%3Aa%2Fs%2Bs%25w+rd",
		},
		{
			name: "token exchange: audience that is not a URI is not a resource", spec: xchgSpec,
			subject: "user.token+/=", cluster: "outbound|443||auth.example.com", path: "/oauth2/token",
			body: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange" +
				"&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token" +
				"&scope=orders.read&audience=orders-api" +
				"&subject_token=user.token%2B%2F%3D&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token",
			basic: "gw-client:gw-secret-81ab",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := mustGrant(t, tt.spec())
			req := g.Request(tt.subject)
			if req.Cluster != tt.cluster {
				t.Errorf("cluster = %q, want %q", req.Cluster, tt.cluster)
			}
			if got := string(req.Body); got != tt.body {
				t.Errorf("body =\n%s\nwant\n%s", got, tt.body)
			}
			want := [][2]string{{":method", "POST"}, {":path", tt.path}, {":authority", strings.Split(strings.Split(tt.spec().TokenURL, "//")[1], "/")[0]},
				{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"}}
			if tt.basic != "" {
				want = append(want, [2]string{"authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(tt.basic))})
			}
			if fmt.Sprint(req.Headers) != fmt.Sprint(want) {
				t.Errorf("headers = %v\nwant %v", req.Headers, want)
			}
		})
	}
}

func TestGrantNeverPrintsSecrets(t *testing.T) {
	g := mustGrant(t, ccSpec())
	req := g.Request("")
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", g, g, *g, *g), fmt.Sprintf("%v %+v %#v", req, req, req)} {
		if strings.Contains(s, "cc-secret-5d1f") || strings.Contains(s, "Basic ") {
			t.Fatalf("secret printed: %s", s)
		}
	}
	if got := fmt.Sprint(g); got != "oauth2.Grant(oauth2:client_credentials:orders-cc)" {
		t.Errorf("Sprint(grant) = %q", got)
	}
}

func TestNewGrantErrors(t *testing.T) {
	for _, tt := range []struct{ url, cluster, want string }{
		{"ftp://auth.example.com/token", "", "oauth2: tokenUrl: must be an absolute https URL without user info or fragment"},
		{"/token", "", "oauth2: tokenUrl: must be an absolute https URL without user info or fragment"},
		{"https://user:pw@auth.example.com/token", "", "oauth2: tokenUrl: must be an absolute https URL without user info or fragment"},
		{"https://auth.example.com/token#x", "", "oauth2: tokenUrl: must be an absolute https URL without user info or fragment"},
		{"https://auth.example.com/token", "outbound|443|| bad", "oauth2: tokenCluster: must not contain whitespace"},
	} {
		s := ccSpec()
		s.TokenURL, s.Cluster = tt.url, tt.cluster
		_, err := NewGrant(s)
		if err == nil || err.Error() != tt.want {
			t.Errorf("NewGrant(%q, %q) = %v, want %s", tt.url, tt.cluster, err, tt.want)
		}
	}
}

func TestKey(t *testing.T) {
	a := mustGrant(t, ccSpec())
	rotated := ccSpec()
	rotated.ClientSecret = "cc-secret-rotated"
	b := mustGrant(t, rotated)
	other := ccSpec()
	other.Scopes = []string{"orders.read"}
	c := mustGrant(t, other)
	x := mustGrant(t, xchgSpec())
	keys := map[string]string{
		"cc": Key(a, ""), "rotated secret": Key(b, ""), "other scopes": Key(c, ""),
		"xchg alice": Key(x, "alice-token"), "xchg bob": Key(x, "bob-token"),
	}
	seen := map[string]string{}
	for name, k := range keys {
		if len(k) != 32 {
			t.Errorf("%s: key %q is not 32 hex digits", name, k)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("%s and %s share key %s", name, prev, k)
		}
		seen[k] = name
	}
	if Key(a, "ignored") != Key(a, "") {
		t.Error("client credentials key depends on the subject")
	}
	reordered := ccSpec()
	reordered.Scopes = []string{"orders.read", "orders.write"}
	if Key(mustGrant(t, reordered), "") != Key(a, "") {
		t.Error("scope order changes the key")
	}
}
