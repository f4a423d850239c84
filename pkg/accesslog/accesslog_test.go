package accesslog

import (
	"net/url"
	"strings"
	"testing"
)

var names = []string{"client_key", "api_key"}

func TestOriginalPath(t *testing.T) {
	tests := []struct{ name, path, want string }{
		{"plain", "/mcp", "/mcp"},
		{"no credential", "/mcp?tenant=acme&debug", "/mcp?tenant=acme&debug"},
		{"client key removed", "/mcp?client_key=ck-secret-1", "/mcp"},
		{"keys among others", "/mcp?tenant=acme&client_key=ck-secret-1&x=1&api_key=evil", "/mcp?tenant=acme&x=1"},
		{"encoded name", "/mcp?client%5Fkey=ck-secret-1&x=1", "/mcp?x=1"},
		{"plus is a space, not a match", "/mcp?client+key=v", "/mcp?client+key=v"},
		{"undecodable name is removed", "/mcp?%zz=v&x=1", "/mcp?x=1"},
		{"name without value", "/mcp?api_key&x=1", "/mcp?x=1"},
		{"empty pairs dropped", "/mcp?&&x=1&", "/mcp?x=1"},
		{"case matters, as for extraction", "/mcp?API_KEY=v", "/mcp?API_KEY=v"},
		{"fragment dropped", "/mcp?x=1#client_key=s", "/mcp?x=1"},
		{"empty query", "/mcp?", "/mcp"},
		{"no names configured", "/mcp?client_key=s", "/mcp?client_key=s"},
	}
	for _, tt := range tests {
		n := names
		if tt.name == "no names configured" {
			n = nil
		}
		if got := OriginalPath(tt.path, n); got != tt.want {
			t.Errorf("%s: OriginalPath(%q) = %q, want %q", tt.name, tt.path, got, tt.want)
		}
	}
}

func FuzzOriginalPath(f *testing.F) {
	for _, s := range []string{"/mcp?client_key=s&x=1", "/mcp?client%5Fkey=s", "/mcp?%zz=v", "/mcp?#a", "/m?&&api_key"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, path string) {
		got := OriginalPath(path, names)
		if len(got) > len(path) {
			t.Fatalf("grew: %q -> %q", path, got)
		}
		_, query, _ := strings.Cut(got, "?")
		for _, pair := range strings.Split(query, "&") {
			key, _, _ := strings.Cut(pair, "=")
			k, err := url.QueryUnescape(key)
			if err != nil || k == "client_key" || k == "api_key" {
				t.Fatalf("credential parameter kept: %q -> %q", path, got)
			}
		}
		if again := OriginalPath(got, names); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", path, got, again)
		}
	})
}

// headerMap is a Setter recording what Set writes, replacing as rest.Request.SetHeader does.
type headerMap [][2]string

func (h *headerMap) SetHeader(name, value string) {
	for i := range *h {
		if (*h)[i][0] == name {
			(*h)[i][1] = value
			return
		}
	}
	*h = append(*h, [2]string{name, value})
}

func TestSet(t *testing.T) {
	client := [][2]string{{":method", "POST"}, {":path", "/mcp?client_key=ck-1"}, {":authority", "gw.example.com"},
		{"x-envoy-original-host", "forged.example.com"}}
	h := headerMap{{"x-envoy-original-method", "GET"}} // a template's value is replaced
	Set(&h, client, OriginalPath("/mcp?client_key=ck-1", names))
	want := headerMap{{"x-envoy-original-method", "POST"}, {"x-envoy-original-path", "/mcp"}, {"x-envoy-original-host", "gw.example.com"}}
	if len(h) != len(want) {
		t.Fatalf("got %q, want %q", h, want)
	}
	for i := range want {
		if h[i] != want[i] {
			t.Fatalf("got %q, want %q", h, want)
		}
	}
}
