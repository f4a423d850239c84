//go:build !wasip1

package security

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestSecretSlog(t *testing.T) {
	s := NewSecret(plain)
	if v := s.LogValue(); v.String() != redacted {
		t.Errorf("LogValue = %q", v.String())
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "tok", s, "ptr", &s)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "tok", s, slog.Any("group", struct{ T Secret }{s}))
	out := buf.String()
	if strings.Contains(out, plain) || strings.Count(out, redacted) != 4 {
		t.Errorf("slog output = %q", out)
	}
}
