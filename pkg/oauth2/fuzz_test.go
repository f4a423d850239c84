package oauth2

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseResponse: any answer either fails with an *Error or yields a token that is safe
// to put after "Bearer " and a lifetime within (0, MaxLifetime].
func FuzzParseResponse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(200, b)
	}
	f.Add(200, []byte(`{"access_token":"a","token_type":"bearer","expires_in":"12"}`))
	f.Add(500, []byte(`{}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		iss, err := ParseResponse("s", status, body)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error of type %T", err)
			}
			return
		}
		if !validToken(iss.Token) || iss.Token == "" || iss.Lifetime <= 0 || iss.Lifetime > MaxLifetime {
			t.Fatalf("accepted token %q lifetime %v", iss.Token, iss.Lifetime)
		}
		if status < 200 || status > 299 {
			t.Fatalf("accepted status %d", status)
		}
	})
}

// FuzzDecodeShared: shared data written by any worker (or corrupted) never crashes a reader,
// and a decoded token is always sendable.
func FuzzDecodeShared(f *testing.F) {
	f.Add([]byte("t|0123456789abcdef0123456789abcdef|1|2|tok"))
	f.Add([]byte("l|0123456789abcdef0123456789abcdef|owner|99"))
	f.Add([]byte("t|k|x|2|tok|with|bars"))
	f.Fuzz(func(t *testing.T, v []byte) {
		sv, ok := decodeShared(v)
		if ok && !sv.lease && (sv.e.token == "" || !validToken(sv.e.token)) {
			t.Fatalf("decoded unusable token %q", sv.e.token)
		}
	})
}

// FuzzUnseal: whatever Redis holds under a key never crashes a reader, and a value that
// unseals is a sendable token.
func FuzzUnseal(f *testing.F) {
	g, err := NewGrant(ccSpec())
	if err != nil {
		f.Fatal(err)
	}
	v, err := seal(g, "", "k", entry{token: "tok"}, zeroReader{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	f.Add([]byte("AAAA"))
	f.Fuzz(func(t *testing.T, v []byte) {
		if e, ok := unseal(g, "", "k", v); ok && (e.token == "" || !validToken(e.token)) {
			t.Fatalf("unsealed unusable token %q", e.token)
		}
	})
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
