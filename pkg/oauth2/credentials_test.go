package oauth2

import (
	"encoding/base64"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// TestGrantCredentials: the client secret (and, for client_secret_basic, the Basic pair the
// token request carries) are the scheme's configured credentials, redacted from responses.
func TestGrantCredentials(t *testing.T) {
	post := xchgSpec()
	post.AuthMethod = ClientSecretPost
	noSecret := ccSpec()
	noSecret.ClientSecret = ""
	type cred struct {
		v    string
		form security.CredentialForm
	}
	cases := []struct {
		name string
		spec GrantSpec
		want []cred
	}{
		{"basic", ccSpec(), []cred{{"cc-secret-5d1f", security.FormToken},
			{base64.StdEncoding.EncodeToString([]byte("orders-client:cc-secret-5d1f")), security.FormBasic}}},
		{"post", post, []cred{{"gw-secret-81ab", security.FormToken}}},
		{"no secret", noSecret, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := NewGrant(c.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := g.Credentials()
			if len(got) != len(c.want) {
				t.Fatalf("got %d credentials, want %d", len(got), len(c.want))
			}
			for i, w := range c.want {
				if got[i].Value.Reveal() != w.v || got[i].Form != w.form {
					t.Errorf("credential %d = %v form %d, want form %d", i, got[i].Value.Reveal() == w.v, got[i].Form, w.form)
				}
			}
		})
	}
}
