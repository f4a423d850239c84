package httpsyntax

import "testing"

func TestIsToken(t *testing.T) {
	for s, want := range map[string]bool{
		"X-API-Key": true, "authorization": true, "a!#$%&'*+-.^_`|~9": true,
		"": false, "x api": false, "x:y": false, "x\r": false, "é": false, "a/b": false, `"q"`: false,
	} {
		if got := IsToken(s); got != want {
			t.Errorf("IsToken(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestLower(t *testing.T) {
	for in, want := range map[string]string{"": "", "x-api-key": "x-api-key", "X-API-Key": "x-api-key", "ÄB": "Äb"} {
		if got := Lower(in); got != want {
			t.Errorf("Lower(%q) = %q, want %q", in, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Lower("already-lower") }); n != 0 {
		t.Errorf("Lower of a lower-case string allocates %v times", n)
	}
}
