package template

import "strconv"

// Sink receives a rendered template: literal text as written, values to be escaped for where
// they land. arg is the index of the argument a value comes from, or -1 (an engine output or
// a {{uuidv4}}). A sink that refuses a value reports it from Err, which stops the rendering.
type Sink interface {
	Text(s string)
	Value(s string, arg int)
	Placeholder(s string, arg int) // the value of a {name} URL placeholder
	Err() error
}

// Values is one call's data: the text of each argument (as Higress prints it) and, for engine
// templates, the JSON data {"config":...,"args":...} (with "_client" when withClient). Arg's
// text must be what the engine prints for that argument of Data, so that the fast path and the
// engine render the same.
type Values interface {
	Arg(i int) (text string, ok bool)
	Data(withClient bool) []byte
}

// MissingArgError: a {name} placeholder's argument has no value.
type MissingArgError struct{ Arg int }

func (e *MissingArgError) Error() string {
	return "template: no value for the placeholder of argument " + strconv.Itoa(e.Arg)
}

// ValueError is a value a sink refused. Msg is meant for the tool result ("invalid
// arguments: ..."): it says why and where, never the value. Arg is the argument the value came
// from, or -1; the caller names it.
type ValueError struct {
	Msg string
	Arg int
}

func (e *ValueError) Error() string { return e.Msg }

// Render writes the template into s over v.
func (tp *Template) Render(s Sink, v Values) error {
	if tp.eng != nil {
		data := []byte("{}")
		if tp.usesData {
			data = v.Data(tp.usesClient)
		}
		return tp.execute(s, data)
	}
	for _, sg := range tp.segs {
		switch sg.kind {
		case segLit:
			s.Text(sg.lit)
		case segArg:
			text, _ := v.Arg(sg.arg)
			s.Value(text, sg.arg)
		case segUUID:
			s.Value(tp.newUUID(), -1)
		case segHole:
			text, ok := v.Arg(sg.arg)
			if !ok {
				return &MissingArgError{Arg: sg.arg}
			}
			s.Placeholder(text, sg.arg)
		}
		if err := s.Err(); err != nil {
			return err
		}
	}
	return nil
}

// RenderData writes a template compiled with Scope.OverBody into s over data, a JSON object
// or array (the REST body).
func (tp *Template) RenderData(s Sink, data []byte) error {
	if tp.eng == nil {
		return tp.Render(s, noValues{})
	}
	return tp.execute(s, data)
}

func (tp *Template) execute(s Sink, data []byte) error {
	if err := tp.eng.Execute(&engineWriter{lits: tp.lits, s: s}, data); err != nil {
		return err
	}
	return s.Err()
}

// noValues serves templates over a REST body, whose fast path is literal text only.
type noValues struct{}

func (noValues) Arg(int) (string, bool) { return "", false }
func (noValues) Data(bool) []byte       { return []byte("{}") }

const hexDigits = "0123456789abcdef"

// newUUID returns a random (version 4) UUID, as sprig's uuidv4.
func (tp *Template) newUUID() string {
	var b [16]byte
	if _, err := tp.rand(b[:]); err != nil {
		panic("template: no randomness for uuidv4: " + err.Error())
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
