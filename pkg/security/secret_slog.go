//go:build !wasip1

package security

import "log/slog"

// LogValue implements slog.LogValuer.
//
// It is left out of wasip1 builds: importing log/slog adds about 170 KB to the plugin and
// nothing in the Wasm build logs through slog. Without it slog still prints "[REDACTED]",
// through MarshalText (text handler) and MarshalJSON (JSON handler).
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }
