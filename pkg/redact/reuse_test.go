package redact

import (
	"slices"
	"testing"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/security"
)

// sameSet compares what a Set looks for and how it scans.
func sameSet(a, b *Set) bool {
	if a == nil || b == nil {
		return a == b
	}
	return slices.Equal(a.pats, b.pats) && slices.Equal(a.creds, b.creds) && a.plain == b.plain &&
		a.first == b.first && slices.Equal(a.masks, b.masks) && a.m4 == b.m4 && a.plainText == b.plainText
}

// TestWithInto: WithInto builds the set With builds, into a reused (dirty) buffer, or in
// place when dst is s; it returns s when the credential adds nothing; a cleared buffer keeps
// no secret.
func TestWithInto(t *testing.T) {
	bases := []*Set{nil, {}, New(), New(tok(secHeaderKey), basic(secBasic)), New(tok("short"), authz("Bearer "+secBearer))}
	creds := []security.Credential{tok(secBearer), basic(secUnicode), authz("Basic " + b64(secBasic)), tok(`back\slash%41-token`),
		tok("k9"), tok(secHeaderKey), {}}
	body := []byte(`{"a":"` + secBearer + `","b":"` + secHeaderKey + `","c":"back\\\\slash%41-token k9"}`)
	var buf Set
	for i, base := range bases {
		for j, c := range creds {
			want := base.With(c)
			got := base.WithInto(&buf, c)
			if want == base {
				if got != base {
					t.Errorf("base %d cred %d: WithInto must return s when With does", i, j)
				}
				continue
			}
			if got != &buf || !sameSet(want, got) {
				t.Errorf("base %d cred %d: WithInto built another set than With", i, j)
			}
			if string(want.JSON(slices.Clone(body))) != string(got.JSON(slices.Clone(body))) {
				t.Errorf("base %d cred %d: redaction differs", i, j)
			}
			// A second credential added in place (dst == s), as an OAuth2 call adds the
			// subject token, then the upstream token.
			more := tok("second-credential-77")
			if !sameSet(want.With(more), got.WithInto(got, more)) {
				t.Errorf("base %d cred %d: WithInto in place built another set than With", i, j)
			}
		}
	}
	buf.Clear()
	for _, c := range buf.creds[:cap(buf.creds)] {
		if !c.Value.IsZero() {
			t.Errorf("Clear kept a credential")
		}
	}
	for _, p := range buf.pats[:cap(buf.pats)] {
		if p.b != "" {
			t.Errorf("Clear kept a pattern")
		}
	}
	if !sameSet(&buf, &Set{pats: buf.pats, creds: buf.creds, masks: buf.masks}) || buf.Len() != 0 {
		t.Errorf("Clear left state behind")
	}
}
