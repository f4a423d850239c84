package rest

import (
	"crypto/rand"

	"github.com/tidwall/gjson"
)

// sink receives a rendered template: literal text as written, values to be escaped. arg is the
// index of the argument a value comes from, or -1.
type sink interface {
	lit(s string)
	dyn(s string, arg int)
	hole(s string, arg int) // the value of a {name} placeholder
	failed() error
}

// printText is how gjson_template prints a value: strings unquoted, other values as their
// JSON text (server.config is compact, so objects print compact), nothing when missing.
func printText(v gjson.Result) string {
	if v.Type == gjson.String {
		return v.Str
	}
	return v.Raw
}

// render writes the template into s.
func (tp *tmpl) render(s sink, cc *callCtx) error {
	if tp.eng == nil {
		for _, sg := range tp.segs {
			switch sg.kind {
			case segLit:
				s.lit(sg.lit)
			case segArg:
				s.dyn(argText(cc.vals[sg.arg]), sg.arg)
			case segUUID:
				s.dyn(newUUID(), -1)
			case segHole:
				v := cc.vals[sg.arg]
				if !v.Exists() {
					name := cc.tool.args[sg.arg].name
					return callErr("invalid arguments: missing " + quote(name) + " for the URL placeholder {" + name + "}")
				}
				s.hole(argText(v), sg.arg)
			}
			if err := s.failed(); err != nil {
				return err
			}
		}
		return nil
	}
	data := []byte("{}")
	if tp.usesData {
		data = cc.data(tp.usesClient)
	}
	w := &engineWriter{lits: tp.lits, s: s}
	if err := tp.eng.Execute(w, data); err != nil {
		return err
	}
	return s.failed()
}

// engineWriter tells the engine's writes of literal text nodes (known by their backing array)
// from the output of actions, which the sink escapes.
type engineWriter struct {
	lits map[*byte]struct{}
	s    sink
}

func (w *engineWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if _, ok := w.lits[&p[0]]; ok {
		w.s.lit(string(p))
	} else {
		w.s.dyn(string(p), -1)
	}
	if err := w.s.failed(); err != nil {
		return 0, err
	}
	return len(p), nil
}

// randRead is the randomness source of {{uuidv4}}; tests replace it.
var randRead = rand.Read

// newUUID returns a random (version 4) UUID, as sprig's uuidv4.
func newUUID() string {
	var b [16]byte
	if _, err := randRead(b[:]); err != nil {
		panic("rest: no randomness for uuidv4: " + err.Error())
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	j := 0
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out[j] = '-'
			j++
		}
		out[j], out[j+1] = hexDigits[c>>4], hexDigits[c&15]
		j += 2
	}
	return string(out[:])
}

// textSink collects rendered text; for header values it refuses CR, LF and NUL from values.
type textSink struct {
	buf    []byte
	err    error
	header string // header name when rendering a header value
	tool   *Tool
}

func (s *textSink) reset(header string, t *Tool) {
	s.buf, s.err, s.header, s.tool = s.buf[:0], nil, header, t
}

func (s *textSink) lit(p string) { s.buf = append(s.buf, p...) }

func (s *textSink) hole(p string, arg int) { s.dyn(p, arg) }

func (s *textSink) dyn(p string, arg int) {
	if s.header != "" && hasHeaderBreak(p) {
		s.err = callErr("invalid arguments: header " + quote(s.header) + " would contain a line break" +
			s.tool.fromArg(arg))
		return
	}
	s.buf = append(s.buf, p...)
}

func (s *textSink) failed() error { return s.err }

// fromArg names the argument a refused value came from, for messages.
func (t *Tool) fromArg(arg int) string {
	if arg < 0 {
		return " (from a template value)"
	}
	return " (argument " + quote(t.args[arg].name) + ")"
}
