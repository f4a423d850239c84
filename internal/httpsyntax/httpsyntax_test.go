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

func TestHeaderAndCookieValues(t *testing.T) {
	for s, want := range map[string][2]bool{ // {HasControl, IsCookieValueSafe}
		"plain value": {false, true},
		"tab\there":   {false, false},
		"bell\x07":    {true, false},
		"esc\x1b[0m":  {true, false},
		"a\r\nb":      {true, false},
		"a\nb":        {true, false},
		"nul\x00":     {true, false},
		"a;b":         {false, false},
		"del\x7f":     {true, false},
		"é=1":         {false, true},
	} {
		if got := [2]bool{HasControl(s), IsCookieValueSafe(s)}; got != want {
			t.Errorf("%q: got %v, want %v", s, got, want)
		}
	}
}
