package clientauth

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/internal/jwttest"
)

const (
	carolKey = "carol-key-5f1c9a0d27b4"
	daveKey  = "dave-key-0b8e33a1"
)

func testAuthenticator(t *testing.T, required bool, trusted string) *Authenticator {
	return NewAuthenticator(Config{
		Required: required,
		APIKeys:  []APIKey{{Consumer: "carol", Key: carolKey}, {Consumer: "dave", Key: daveKey}},
		JWT:      testJWT(t), TrustedConsumerHeader: trusted,
	})
}

func TestAuthenticate(t *testing.T) {
	jwt := jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(nil))
	expired := jwttest.Sign("RS256", "rsa-1", "rsa-1", claims(map[string]any{"exp": testNow.Add(-5 * time.Minute).Unix()}))
	carol := Identity{Consumer: "carol", Kind: KindAPIKey}
	alice := Identity{Consumer: "alice", Scopes: []string{"orders.read", "orders.write"}, Kind: KindJWT}
	cases := []struct {
		name     string
		required bool
		trusted  string
		headers  [][2]string
		want     Identity
		reason   Reason // "" = accepted
	}{
		{"api key as bearer", true, "", [][2]string{{"authorization", "Bearer " + carolKey}}, carol, ""},
		{"api key, scheme in other case", true, "", [][2]string{{"authorization", "bEaReR " + carolKey}}, carol, ""},
		{"api key in x-api-key", true, "", [][2]string{{"x-api-key", daveKey}}, Identity{Consumer: "dave", Kind: KindAPIKey}, ""},
		{"jwt", true, "", [][2]string{{"authorization", "Bearer " + jwt}}, alice, ""},
		{"no credential, required", true, "", [][2]string{{"accept", "*/*"}}, Identity{}, ReasonMissing},
		{"no credential, not required", false, "", nil, Identity{Kind: KindAnonymous}, ""},
		{"basic is not a gateway credential", true, "", [][2]string{{"authorization", "Basic YTpi"}}, Identity{}, ReasonMissing},
		{"basic, not required: anonymous", false, "", [][2]string{{"authorization", "Basic YTpi"}}, Identity{Kind: KindAnonymous}, ""},
		{"unknown api key", true, "", [][2]string{{"x-api-key", carolKey + "x"}}, Identity{}, ReasonUnknownKey},
		{"prefix of a key", true, "", [][2]string{{"x-api-key", carolKey[:8]}}, Identity{}, ReasonUnknownKey},
		{"unknown bearer, not a JWT", true, "", [][2]string{{"authorization", "Bearer nope"}}, Identity{}, ReasonUnknownKey},
		{"bad token, not required: still refused", false, "", [][2]string{{"authorization", "Bearer " + expired}}, Identity{}, ReasonExpired},
		{"jwt in x-api-key is no api key", true, "", [][2]string{{"x-api-key", jwt}}, Identity{}, ReasonUnknownKey},
		{"two credentials", true, "", [][2]string{{"authorization", "Bearer " + carolKey}, {"x-api-key", daveKey}}, Identity{}, ReasonMalformed},
		{"two authorization headers", true, "", [][2]string{{"authorization", "Bearer " + carolKey}, {"authorization", "Bearer " + carolKey}}, Identity{}, ReasonMalformed},
		{"trusted header not configured: ignored", true, "", [][2]string{{"x-mse-consumer", "admin"}}, Identity{}, ReasonMissing},
		{"trusted header not configured, with key", true, "", [][2]string{{"x-mse-consumer", "admin"}, {"x-api-key", daveKey}}, Identity{Consumer: "dave", Kind: KindAPIKey}, ""},
		{"trusted header", true, "x-mse-consumer", [][2]string{{"x-mse-consumer", "erin"}, {"authorization", "Bearer upstream-filter-token"}}, Identity{Consumer: "erin", Kind: KindTrustedHeader}, ""},
		{"trusted header twice (client injected one)", true, "x-mse-consumer", [][2]string{{"x-mse-consumer", "admin"}, {"x-mse-consumer", "erin"}}, Identity{}, ReasonMalformed},
		{"trusted header not a name", true, "x-mse-consumer", [][2]string{{"x-mse-consumer", "a b"}}, Identity{}, ReasonMalformed},
		{"trusted header empty", true, "x-mse-consumer", [][2]string{{"x-mse-consumer", ""}}, Identity{}, ReasonMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := testAuthenticator(t, tc.required, tc.trusted)
			id, err := a.Authenticate(tc.headers, testNow)
			if tc.reason == "" {
				if err != nil || !reflect.DeepEqual(id, tc.want) {
					t.Fatalf("got %+v, %v; want %+v", id, err, tc.want)
				}
				return
			}
			reason, presented, ok := AsAuthError(err)
			if !ok || reason != tc.reason || presented != (tc.reason != ReasonMissing) {
				t.Fatalf("err = %v, want reason %s", err, tc.reason)
			}
			for _, s := range []string{carolKey, daveKey, carolKey[:8], jwt[len(jwt)-16:]} {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("error quotes a credential: %v", err)
				}
			}
		})
	}
}

func TestCarries(t *testing.T) {
	a := testAuthenticator(t, true, "x-mse-consumer")
	for h, want := range map[string]bool{"authorization": true, "x-api-key": true, "x-mse-consumer": true, "cookie": false} {
		if a.Carries(h) != want {
			t.Errorf("Carries(%s) = %v", h, !want)
		}
	}
	if testAuthenticator(t, true, "").Carries("x-mse-consumer") {
		t.Error("unconfigured trusted header carried")
	}
}
