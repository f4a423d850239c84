package redact

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCannotStartOnlyRejectsNonMatches: the two-byte prefilter of next may only drop a
// candidate at which longestAt finds no match, in plain bytes and inside JSON strings, for
// every position of the echo fixtures and of each secret's forms in text.
func TestCannotStartOnlyRejectsNonMatches(t *testing.T) {
	sets := map[string]*Set{
		"echo":  echoSet(),
		"jwt":   New(tok("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtY3AifQ.c2ln")).With(tok("eyJ0eXAiOiJKV1QifQ.e30.sig")),
		"space": New(tok("pass word 1"), tok(`back\slash%25key`)),
		"short": New(tok("e"), tok("ey1234567")),
	}
	inputs := [][]byte{[]byte(`"e" ey eyJ e\u0079J e%79J e+y pass+word+1 pass%20word back\\slash%2525key`)}
	files, err := filepath.Glob("testdata/echoes/*.in")
	if err != nil || len(files) == 0 {
		t.Fatalf("echo fixtures: %v", err)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	for _, v := range []string{"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJtY3AifQ.c2ln", "pass word 1", `back\slash%25key`, secUnicode, secBearer} {
		for _, fm := range forms(v) {
			inputs = append(inputs, []byte("x "+fm+" y"), []byte(fm), mustJSON(fm))
		}
	}
	checked := 0
	for name, s := range sets {
		for _, in := range inputs {
			for _, r := range []region{{hi: len(in)}, {hi: len(in), inString: true}} {
				for i := 0; i < len(in); i++ {
					if !s.first[in[i]] || !s.cannotStart(in, i, r.hi) {
						continue
					}
					checked++
					if e := s.longestAt(in, i, r); e >= 0 {
						t.Errorf("%s: cannotStart(%q, %d) but a match ends at %d", name, in, i, e)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no candidate was rejected: the test checks nothing")
	}
}

// TestMasksFollowFirst: scan's masks are exactly the first table's bytes, in byte order, and
// its loop choice fits them, however the set was built (New, With, WithInto into a dirty
// buffer or in place): a byte missing from masks would be a candidate scan never stops at.
func TestMasksFollowFirst(t *testing.T) {
	var buf Set
	base := New(tok(secHeaderKey), basic(secBasic))
	sets := map[string]*Set{
		"new":          New(tok(secHeaderKey), tok(secQueryKey), basic(secUnicode), tok(" space-first-token")),
		"with":         base.With(tok(secBearer)).With(authz("Basic " + b64(secBasic))),
		"withinto":     base.WithInto(&buf, tok("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")),
		"non-ascii":    New(tok("äöü-long-secret"), tok("zz-another-one")),
		"many-firsts":  New(tok("a-token-1"), tok("b-token-2"), tok("c-token-3"), tok("d-token-4"), tok("e-token-5"), tok("f-token-6"), tok("g-token-7")),
		"five-firsts":  New(tok("bench-oauth-secret"), tok("mcp-gateway:bench")).With(tok("eyJhbGciOiJSUzI1NiJ9.e30.c2ln")),
		"in-place-two": nil,
	}
	var inPlace Set
	sets["in-place-two"] = New(tok(secCookie)).WithInto(&inPlace, tok("eyJ-first-call-token")).WithInto(&inPlace, tok("~tilde-second-token"))
	for name, s := range sets {
		var want []uint64
		ascii := true
		for c := range s.first {
			if s.first[c] {
				want = append(want, lo8*uint64(c))
				ascii = ascii && c < 0x80
			}
		}
		if !slices.Equal(s.masks, want) {
			t.Errorf("%s: masks %x, want %x", name, s.masks, want)
		}
		if s.ascii4 != (ascii && len(want) <= 4) || s.ascii8 != (ascii && len(want) > 4 && len(want) <= 8) {
			t.Errorf("%s: ascii4 %v ascii8 %v for %d masks (ASCII %v)", name, s.ascii4, s.ascii8, len(want), ascii)
		}
		for k := range s.m8 {
			if m := s.m8[k]; !slices.Contains(want, m) {
				t.Errorf("%s: m8[%d] = %x is no mask", name, k, m)
			}
		}
	}
}
