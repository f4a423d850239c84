package jwks

import (
	"testing"
	"time"
)

// FuzzMaxAge: any Cache-Control value gives a lifetime within [MinMaxAge, MaxMaxAge], or
// Refresh.
func FuzzMaxAge(f *testing.F) {
	for _, s := range []string{"", "max-age=600", "public, max-age=3600, must-revalidate", `max-age="60"`, "max-age=-5",
		"max-age=99999999999999999999", "max-age", "MAX-AGE=1,max-age=2", "no-store", "max-age=1e3"} {
		f.Add(s)
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, cc string) {
		d := c.ttl(cc)
		if d != DefaultRefresh && (d < DefaultMinMaxAge || d > DefaultMaxMaxAge) {
			t.Fatalf("ttl(%q) = %v", cc, d)
		}
		if d%time.Second != 0 {
			t.Fatalf("ttl(%q) = %v, not whole seconds", cc, d)
		}
	})
}
