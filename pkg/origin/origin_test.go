package origin

import (
	"net/url"
	"strings"
	"testing"
)

func TestAllowed(t *testing.T) {
	explicit := []string{"https://app.example.com", "http://localhost:3000"}
	tests := []struct {
		origin            string
		unset, list, star bool
	}{
		{"http://localhost", true, false, true},
		{"http://localhost:3000", true, true, true},
		{"https://LocalHost:8443", true, false, true},
		{"http://127.0.0.1:6274", true, false, true},
		{"https://127.0.0.1", true, false, true},
		{"http://[::1]:6274", true, false, true},
		{"http://[::1]", true, false, true},
		{"https://app.example.com", false, true, true},
		{"HTTPS://APP.EXAMPLE.COM", false, true, true},
		{"https://evil.example", false, false, true},
		{"http://localhost.evil.example", false, false, true},
		{"http://127.0.0.1.nip.io", false, false, true},
		{"http://127.0.0.2", false, false, true},
		{"http://[::2]:80", false, false, true},
		{"http://localhost:", false, false, true},
		{"http://localhost:99999x", false, false, true},
		{"http://localhost/path", false, false, true},
		{"http://user@localhost", false, false, true},
		{"file://localhost", false, false, true},
		{"null", false, false, true},
		{"localhost", false, false, true},
	}
	for _, tt := range tests {
		if got := Allowed(nil, tt.origin); got != tt.unset {
			t.Errorf("Allowed(unset, %q) = %v, want %v", tt.origin, got, tt.unset)
		}
		if got := Allowed(explicit, tt.origin); got != tt.list {
			t.Errorf("Allowed(list, %q) = %v, want %v", tt.origin, got, tt.list)
		}
		if got := Allowed([]string{"*"}, tt.origin); got != tt.star {
			t.Errorf("Allowed(*, %q) = %v, want %v", tt.origin, got, tt.star)
		}
		if Allowed([]string{}, tt.origin) {
			t.Errorf("Allowed(empty list, %q) = true: an explicit empty list allows nothing", tt.origin)
		}
	}
}

func FuzzIsLoopback(f *testing.F) {
	for _, s := range []string{"http://localhost:3000", "https://[::1]", "http://127.0.0.1", "http://a@localhost", "http://localhost:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, origin string) {
		if !IsLoopback(origin) {
			return
		}
		u, err := url.Parse(origin)
		if err != nil || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			t.Fatalf("IsLoopback(%q) but it is not a bare origin (%v)", origin, err)
		}
		switch h := strings.ToLower(u.Hostname()); h {
		case "localhost", "127.0.0.1", "::1":
		default:
			t.Fatalf("IsLoopback(%q) with host %q", origin, h)
		}
	})
}
