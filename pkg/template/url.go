package template

import "github.com/mcp-rest-bridge/mcp-rest-bridge/internal/urlenc"

type urlState uint8

const (
	stScheme urlState = iota
	stAuthority
	stPath
	stQuery
)

// URLSink renders a URL template. Literal text decides where we are (scheme, host, path,
// query); values are escaped for that place, so they cannot change the URL's structure.
type URLSink struct {
	buf   []byte
	state urlState
	err   error
}

// Reset empties the sink, growing its buffer to at least capHint bytes.
func (u *URLSink) Reset(capHint int) {
	if cap(u.buf) < capHint {
		u.buf = make([]byte, 0, capHint)
	}
	u.buf, u.state, u.err = u.buf[:0], stScheme, nil
}

// Bytes returns the rendered URL; it is valid until the next Reset.
func (u *URLSink) Bytes() []byte { return u.buf }

func (u *URLSink) Err() error { return u.err }

func (u *URLSink) Text(s string) {
	from := len(u.buf)
	u.buf = append(u.buf, s...)
	for i := from; i < len(u.buf); i++ {
		c := u.buf[i]
		switch u.state {
		case stScheme:
			if i == 0 && c == '/' {
				u.state = stPath
			} else if c == '/' && i >= 2 && u.buf[i-1] == '/' && u.buf[i-2] == ':' {
				u.state = stAuthority
			}
		case stAuthority:
			if c == '/' {
				u.state = stPath
			} else if c == '?' {
				u.state = stQuery
			}
		case stPath:
			if c == '?' {
				u.state = stQuery
			}
		}
	}
}

// Placeholder writes the value of a {name} placeholder of a path arg: in the path it is one
// segment, so '/' is escaped too ("a/b" -> "a%2Fb"), and it may not be empty ("/items//x"
// would address another resource).
func (u *URLSink) Placeholder(s string, arg int) {
	if u.err == nil && u.state == stPath {
		if s == "" {
			u.err = &ValueError{Msg: EmptyPlaceholder, Arg: arg}
			return
		}
		u.buf = urlenc.AppendPathSegment(u.buf, s)
		return
	}
	u.Value(s, arg)
}

// EmptyPlaceholder is the refusal of an empty value for a {name} placeholder in a URL path.
const EmptyPlaceholder = "invalid arguments: a URL path placeholder cannot be empty"

// Value writes a template value. In the path a value may span segments ('/' kept, as Higress
// configs such as file paths expect) but cannot add a query, a fragment or a dot segment
// (refused on the whole path afterwards).
func (u *URLSink) Value(s string, arg int) {
	if u.err != nil {
		return
	}
	switch u.state {
	case stScheme:
		u.err = &ValueError{Msg: "invalid URL: the scheme cannot come from a template value", Arg: arg}
	case stAuthority:
		if !urlenc.IsHostLabel(s) {
			u.err = &ValueError{Msg: "invalid arguments: a value placed in the URL host must be letters, digits, '-' and '_' only", Arg: arg}
			return
		}
		u.buf = append(u.buf, s...)
	case stPath:
		u.buf = urlenc.AppendPathValue(u.buf, s)
	case stQuery:
		u.buf = urlenc.AppendQuery(u.buf, s)
	}
}
