package oauth2

import (
	"regexp"
	"testing"
)

var hexKey = regexp.MustCompile(`^[0-9a-f]{32}$`)

// TestKeyCoversEveryField: issue 10 item 3 keys the cache by scheme, client id, secret,
// scopes and audience, and for token exchange also by the subject token. Changing any one of
// them gives another key (so another cached token); the order of the scopes does not.
func TestKeyCoversEveryField(t *testing.T) {
	base := Key(mustGrant(t, ccSpec()), "")
	for _, tc := range []struct {
		name   string
		change func(*GrantSpec)
		same   bool
	}{
		{"scheme", func(s *GrantSpec) { s.Scheme = "orders-cc-2" }, false},
		{"client id", func(s *GrantSpec) { s.ClientID = "orders-client-2" }, false},
		{"client secret", func(s *GrantSpec) { s.ClientSecret = "cc-secret-rotated" }, false},
		{"one scope fewer", func(s *GrantSpec) { s.Scopes = []string{"orders.read"} }, false},
		{"another scope", func(s *GrantSpec) { s.Scopes = []string{"orders.read", "orders.admin"} }, false},
		{"no audience", func(s *GrantSpec) { s.Audience = "" }, false},
		{"another audience", func(s *GrantSpec) { s.Audience = "https://billing.example.com" }, false},
		// length-prefixed fields: moving bytes from one field to the next is another key
		{"bytes moved between id and secret", func(s *GrantSpec) { s.ClientID, s.ClientSecret = "orders-clientc", "c-secret-5d1f" }, false},
		{"scopes in another order", func(s *GrantSpec) { s.Scopes = []string{"orders.read", "orders.write"} }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := ccSpec()
			tc.change(&s)
			if got := Key(mustGrant(t, s), ""); (got == base) != tc.same {
				t.Fatalf("key %s, base %s: same %v, want %v", got, base, got == base, tc.same)
			}
		})
	}

	x := mustGrant(t, xchgSpec())
	alice, bob := Key(x, "alice-token"), Key(x, "bob-token")
	if alice == bob || alice == Key(x, "") || alice != Key(x, "alice-token") {
		t.Fatalf("exchange keys: alice %s bob %s none %s", alice, bob, Key(x, ""))
	}
	for _, k := range []string{base, alice} { // a digest: no secret or token can be read from it
		if !hexKey.MatchString(k) {
			t.Fatalf("key %q is not a 128-bit hex digest", k)
		}
	}
}
