package configerr

import (
	"errors"
	"fmt"
	"testing"
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
