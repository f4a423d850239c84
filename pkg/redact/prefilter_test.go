package redact

import (
	"os"
	"path/filepath"
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
