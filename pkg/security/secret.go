package security

import (
	"fmt"
	"io"
)

// redacted is what every textual form of a Secret prints.
const redacted = "[REDACTED]"

// Secret holds a credential. Every way of printing, logging or marshalling it yields
// "[REDACTED]"; Reveal is the only accessor. The value sits behind a pointer so that even
// reflection-based printing of a struct holding a Secret in an unexported field (which fmt
// does without calling methods) shows an address, never the value.
type Secret struct {
	p *string
}

// NewSecret wraps v. NewSecret("") is the zero Secret.
func NewSecret(v string) Secret {
	if v == "" {
		return Secret{}
	}
	return Secret{p: &v}
}

// Reveal returns the secret value ("" for the zero Secret). Call it only where the value is
// written to its destination (an upstream header, query parameter or cookie).
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s holds no value.
func (s Secret) IsZero() bool { return s.p == nil }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter: every verb and flag (%v %+v %#v %s %q %x %X %d ...)
// prints "[REDACTED]".
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (also used by slog's text handler and by
// encoding/json for map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }
