// Package configerr is the one error type, and the one warning type, of configuration checks.
// pkg/config, pkg/security and pkg/rest all report a bad field with the JSON path of that field
// in the plugin configuration ("tools[3].requestTemplate.url") and a message that says what is
// wrong. A message never quotes a configured value that may be a credential.
package configerr

import "fmt"

// Error is a configuration error: Path is the JSON path of the offending field ("" for the
// whole document), Msg what is wrong with it.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "config: " + e.Msg
	}
	return e.Path + ": " + e.Msg
}

// At returns an *Error for the field at path.
func At(path, msg string) error { return &Error{Path: path, Msg: msg} }

// Atf returns an *Error for the field at path, its message formatted as fmt.Sprintf does.
func Atf(path, format string, args ...any) error {
	return &Error{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Warning is a finding that does not stop the configuration from loading (the plugin logs it
// at start): Path is the JSON path of the field, Msg what is odd about it.
type Warning struct{ Path, Msg string }
