package configerr

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestError(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{At("tools[3].requestTemplate.url", "must start with http://"), "tools[3].requestTemplate.url: must start with http://"},
		{Atf("tools[0].name", "duplicate tool name %q (also tools[%d])", "get", 2), `tools[0].name: duplicate tool name "get" (also tools[2])`},
		{At("", "empty configuration"), "config: empty configuration"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
		var e *Error
		if !errors.As(fmt.Errorf("wrapped: %w", c.err), &e) {
			t.Errorf("%v is not an *Error", c.err)
		}
	}
}

func TestMasked(t *testing.T) {
	for in, want := range map[string]string{
		`template: header:1: function "sk-live" not defined`:         `template: header:1: function "…" not defined`,
		`template: url:1: unexpected "}" in operand`:                 `template: url:1: unexpected "}" in operand`,
		`template: b:1: bad character U+002D '-'`:                    `template: b:1: bad character U+002D '-'`,
		`invalid port ":cfg-secret-6a0f2c" after host`:               `invalid port "…" after host`,
		`invalid URL escape "%zz"`:                                   `invalid URL escape "%zz"`,
		`unexpected "\"" in x and "a\"b\\c" then 'sk-live' and "\\"`: `unexpected "\"" in x and "…" then '…' and "\\"`,
		`no quotes at all`:                                           `no quotes at all`,
		`unterminated "quote`:                                        `unterminated "quote`,
		`é"tokén"é`:                                                  `é"…"é`,
	} {
		if got := Masked(in); got != want {
			t.Errorf("Masked(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzMasked: a quoted part of four or more characters after unquoted text is always masked,
// and Masked never panics.
func FuzzMasked(f *testing.F) {
	f.Add("function ", "sk-live-1", " not defined")
	f.Add("a ", `b`, ` 'd'`)
	f.Add("", "é€", `"`)
	f.Fuzz(func(t *testing.T, prefix, secret, suffix string) {
		s := prefix + `"` + secret + `"` + suffix
		got := Masked(s)
		if strings.ContainsAny(prefix, `"'`) || strings.ContainsAny(secret, `"\`) || utf8.RuneCountInString(secret) < 4 {
			return
		}
		if !strings.HasPrefix(got, prefix+`"…"`) {
			t.Fatalf("Masked(%q) = %q, want the quoted part masked", s, got)
		}
	})
}

func TestWord(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer-token": `"Bearer-token"`, "str": `"str"`, "": `""`, "TRACE": `"TRACE"`,
		"Bearer sk-live-abc":        "(value not shown)",
		"Authorization: Bearer x":   "(value not shown)",
		"sk_live_0123456789abcdefg": "(value not shown)",
		`a"b`:                       "(value not shown)",
	} {
		if got := Word(in); got != want {
			t.Errorf("Word(%q) = %s, want %s", in, got, want)
		}
	}
}
