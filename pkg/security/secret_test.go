package security

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

const plain = "hunter2-Secret-Value"

func TestSecretFormatsRedacted(t *testing.T) {
	s := NewSecret(plain)
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T-skip", "%10s", "%-8v", "% x", "%#q", "%p-skip"}
	for _, v := range verbs {
		if strings.HasSuffix(v, "-skip") {
			continue
		}
		if got := fmt.Sprintf(v, s); got != redacted {
			t.Errorf("Sprintf(%q) = %q, want %q", v, got, redacted)
		}
		if got := fmt.Sprintf(v, &s); got != redacted {
			t.Errorf("Sprintf(%q, &s) = %q, want %q", v, got, redacted)
		}
	}
	if got := s.String(); got != redacted {
		t.Errorf("String() = %q", got)
	}
	if got := s.GoString(); got != redacted {
		t.Errorf("GoString() = %q", got)
	}
	if s.Reveal() != plain || s.IsZero() {
		t.Errorf("Reveal/IsZero wrong")
	}
}

func TestSecretInContainers(t *testing.T) {
	s := NewSecret(plain)
	type exported struct {
		Name  string
		Token Secret
		Ptr   *Secret
	}
	type unexported struct {
		name  string
		token Secret
	}
	cases := map[string]string{
		"sprint ptr":       fmt.Sprint(&s),
		"sprint slice":     fmt.Sprint([]Secret{s, s}),
		"sprint ptr slice": fmt.Sprint([]*Secret{&s}),
		"sprint map":       fmt.Sprint(map[string]Secret{"k": s}),
		"+v exported":      fmt.Sprintf("%+v", exported{"n", s, &s}),
		"#v exported":      fmt.Sprintf("%#v", exported{"n", s, &s}),
		"+v unexported":    fmt.Sprintf("%+v", unexported{"n", s}),
		"#v unexported":    fmt.Sprintf("%#v", unexported{"n", s}),
		"v ptr unexported": fmt.Sprintf("%v", &unexported{"n", s}),
		"x unexported":     fmt.Sprintf("%x", anyOf(unexported{"n", s})),
		"errorf %w-free":   fmt.Errorf("wrapped: %v", s).Error(),
	}
	for name, got := range cases {
		if strings.Contains(got, plain) {
			t.Errorf("%s leaked: %q", name, got)
		}
	}
	if got := fmt.Sprint([]Secret{s, s}); got != "[[REDACTED] [REDACTED]]" {
		t.Errorf("slice = %q", got)
	}
	if got := fmt.Sprintf("%+v", exported{"n", s, &s}); got != "{Name:n Token:[REDACTED] Ptr:[REDACTED]}" {
		t.Errorf("struct = %q", got)
	}
}

// anyOf hides the static type from vet's printf check.
func anyOf(v any) any { return v }

func TestSecretMarshal(t *testing.T) {
	s := NewSecret(plain)
	b, err := json.Marshal(struct {
		User  string  `json:"user"`
		Token Secret  `json:"token"`
		Ptr   *Secret `json:"ptr"`
		List  []Secret
		Map   map[string]Secret
	}{"u", s, &s, []Secret{s}, map[string]Secret{"a": s}})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"user":"u","token":"[REDACTED]","ptr":"[REDACTED]","List":["[REDACTED]"],"Map":{"a":"[REDACTED]"}}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	if k, _ := json.Marshal(map[Secret]int{s: 1}); string(k) != `{"[REDACTED]":1}` {
		t.Errorf("json map key = %s", k)
	}
	if txt, _ := s.MarshalText(); string(txt) != redacted {
		t.Errorf("MarshalText = %q", txt)
	}
}

func TestSecretZero(t *testing.T) {
	var z Secret
	if !z.IsZero() || z.Reveal() != "" || !NewSecret("").IsZero() || fmt.Sprint(z) != redacted {
		t.Errorf("zero Secret misbehaves")
	}
}
