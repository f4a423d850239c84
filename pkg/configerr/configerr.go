// Package configerr is the one error type, and the one warning type, of configuration checks.
// pkg/config, pkg/security and pkg/rest all report a bad field with the JSON path of that field
// in the plugin configuration ("tools[3].requestTemplate.url") and a message that says what is
// wrong. A message never quotes a configured value that may be a credential.
package configerr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

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

// Masked returns msg (a message from a parser of configured text, such as a template or URL
// parse error) with every quoted part longer than three characters replaced by "…": such parts
// quote the configuration, which may hold a credential. Short parts ("}", '-', "%zz") name the
// syntax at fault and stay.
func Masked(msg string) string {
	var b strings.Builder
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c != '"' && c != '\'' {
			b.WriteByte(c)
			continue
		}
		end := closingQuote(msg, i)
		if end < 0 {
			b.WriteString(msg[i:])
			break
		}
		inner := msg[i+1 : end]
		if utf8.RuneCountInString(inner) <= 3 {
			b.WriteString(msg[i : end+1])
		} else {
			b.WriteByte(c)
			b.WriteString("…")
			b.WriteByte(c)
		}
		i = end
	}
	return b.String()
}

// closingQuote returns the index of the quote that closes the one at msg[i] (backslash escapes
// skipped), or -1.
func closingQuote(msg string, i int) int {
	q := msg[i]
	for j := i + 1; j < len(msg); j++ {
		switch msg[j] {
		case '\\':
			j++
		case q:
			return j
		}
	}
	return -1
}

// Word quotes a configured value for an error message when it is a short word (at most 16
// letters, digits, '-', '_' or '.'), the shape of a misspelt keyword such as "Bearer-token";
// anything else is "(value not shown)", since a long or spaced value may be a pasted credential.
func Word(s string) string {
	if len(s) > 16 {
		return "(value not shown)"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return "(value not shown)"
		}
	}
	return strconv.Quote(s)
}
