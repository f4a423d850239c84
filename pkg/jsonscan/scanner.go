package jsonscan

import "unsafe"

// frame is one open object or array.
type frame struct {
	set      map[string]struct{} // this object's names once it has more than linearKeys
	keyStart int32               // this object's names start at scanner.keys.at(keyStart)
	obj      bool
	region   Region
}

// linearKeys is how many member names an object may have before duplicate
// detection switches from a linear search to a map (a hostile object with
// 100,000 names must not cost 10^10 comparisons).
const linearKeys = 8

// argumentsBase is the absolute depth of params' members: the arguments
// value sits at base+1 and counts as arguments level 1.
const argumentsBase = 2

type scanner struct {
	b     []byte
	text  string // b viewed as a string (no copy)
	pos   int
	lim   Limits
	stack smallStack[frame]
	keys  smallStack[string] // member names of the open objects, innermost last
	soft  *Error             // first duplicate or UTF-8 error
	id    []byte
	idSet bool
	// frames and names back stack and keys until a body nests deeper or
	// has more names open than they hold: no allocation for usual bodies.
	frames [16]frame
	names  [16]string
}

// next says what the value being read is: its region and whether it is the
// top-level "id".
type next struct {
	region Region
	isID   bool
}

// run scans the whole body; it returns a fatal error or nil.
func (s *scanner) run() *Error {
	nx := next{region: RegionEnvelope}
	for {
		s.skipWS()
		if s.pos >= len(s.b) {
			return s.syntax()
		}
		var err *Error
		opened := false
		switch c := s.b[s.pos]; {
		case c == '{' || c == '[':
			nx, opened, err = s.open(c == '{', nx.region)
		case c == '"':
			start := s.pos
			_, _, _, err = s.str(nx.region)
			s.noteID(nx, start)
		case c == '-' || (c >= '0' && c <= '9'):
			start := s.pos
			err = s.number()
			s.noteID(nx, start)
		default:
			err = s.literal()
		}
		if err != nil {
			return err
		}
		if opened {
			continue
		}
		var done bool
		if nx, done, err = s.afterValue(); err != nil || done {
			return err
		}
	}
}

// open pushes an object or array. When it is not empty, opened is true and
// nx describes its first value; when it is empty it is closed at once.
func (s *scanner) open(obj bool, region Region) (nx next, opened bool, err *Error) {
	if err := s.push(obj, region); err != nil {
		return nx, false, err
	}
	s.pos++
	s.skipWS()
	closer := byte(']')
	if obj {
		closer = '}'
	}
	if s.pos < len(s.b) && s.b[s.pos] == closer {
		s.pos++
		s.pop()
		return nx, false, nil
	}
	if !obj {
		return next{region: region}, true, nil
	}
	nx, err = s.member()
	return nx, true, err
}

// afterValue consumes separators and closing brackets after a value. done
// is true when the root value is complete and only whitespace followed.
func (s *scanner) afterValue() (nx next, done bool, err *Error) {
	for {
		s.skipWS()
		if s.stack.n == 0 {
			if s.pos != len(s.b) {
				return nx, false, s.syntax()
			}
			return nx, true, nil
		}
		if s.pos >= len(s.b) {
			return nx, false, s.syntax()
		}
		top := s.stack.at(s.stack.n - 1)
		switch c := s.b[s.pos]; {
		case c == ',':
			s.pos++
			if !top.obj {
				return next{region: top.region}, false, nil
			}
			s.skipWS()
			nx, err = s.member()
			return nx, false, err
		case c == '}' && top.obj, c == ']' && !top.obj:
			s.pos++
			s.pop()
		default:
			return nx, false, s.syntax()
		}
	}
}

// member reads `"name":` in the innermost object, checks the name for
// duplicates and decides the region of its value.
func (s *scanner) member() (next, *Error) {
	if s.pos >= len(s.b) || s.b[s.pos] != '"' {
		return next{}, s.syntax()
	}
	top := s.stack.at(s.stack.n - 1)
	at := s.pos
	start, end, esc, err := s.str(top.region)
	if err != nil {
		return next{}, err
	}
	name := s.name(start, end, esc)
	s.skipWS()
	if s.pos >= len(s.b) || s.b[s.pos] != ':' {
		return next{}, s.syntax()
	}
	s.pos++
	if s.seen(top, name) {
		s.note(KindDuplicate, top.region, at)
	}
	nx := next{region: top.region}
	switch {
	case s.stack.n == 1 && name == "params":
		nx.region = RegionParams
	case s.stack.n == 1 && name == "id":
		nx.isID = true
	case s.stack.n == argumentsBase && top.region == RegionParams && name == "arguments":
		nx.region = RegionArguments
	}
	return nx, nil
}

// seen records name in obj and reports whether it was there already.
func (s *scanner) seen(obj *frame, name string) bool {
	if obj.set != nil {
		if _, dup := obj.set[name]; dup {
			return true
		}
		obj.set[name] = struct{}{}
		return false
	}
	for i := int(obj.keyStart); i < s.keys.n; i++ {
		if *s.keys.at(i) == name {
			return true
		}
	}
	if s.keys.n-int(obj.keyStart) < linearKeys {
		s.keys.push(name)
		return false
	}
	obj.set = make(map[string]struct{}, 2*linearKeys)
	for i := int(obj.keyStart); i < s.keys.n; i++ {
		obj.set[*s.keys.at(i)] = struct{}{}
	}
	obj.set[name] = struct{}{}
	s.keys.truncate(int(obj.keyStart))
	return false
}

// push opens a container after checking the depth limit of its region.
func (s *scanner) push(obj bool, region Region) *Error {
	depth := s.stack.n + 1
	if region == RegionArguments {
		if depth-argumentsBase > s.lim.Arguments {
			return &Error{Kind: KindDepth, Region: region, Offset: s.pos, Limit: s.lim.Arguments}
		}
	} else if depth > s.lim.Envelope {
		return &Error{Kind: KindDepth, Region: region, Offset: s.pos, Limit: s.lim.Envelope}
	}
	s.stack.push(frame{obj: obj, region: region, keyStart: int32(s.keys.n)})
	return nil
}

func (s *scanner) pop() {
	s.keys.truncate(int(s.stack.at(s.stack.n - 1).keyStart))
	s.stack.truncate(s.stack.n - 1)
}

// noteID keeps the raw first top-level "id" when it is a string or number.
func (s *scanner) noteID(nx next, start int) {
	if nx.isID && !s.idSet {
		s.id, s.idSet = s.b[start:s.pos], true
	}
}

// note records the first soft (duplicate or UTF-8) error.
func (s *scanner) note(kind Kind, region Region, at int) {
	if s.soft == nil {
		s.soft = &Error{Kind: kind, Region: region, Offset: at}
	}
}

func (s *scanner) syntax() *Error {
	return &Error{Kind: KindSyntax, Region: s.region(), Offset: s.pos}
}

// region is the region of the innermost open container.
func (s *scanner) region() Region {
	if s.stack.n == 0 {
		return RegionEnvelope
	}
	return s.stack.at(s.stack.n - 1).region
}

func (s *scanner) skipWS() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// number reads an RFC 8259 number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (s *scanner) number() *Error {
	if s.b[s.pos] == '-' {
		s.pos++
	}
	switch {
	case s.pos < len(s.b) && s.b[s.pos] == '0':
		s.pos++
	case !s.digits():
		return s.syntax()
	}
	if s.pos < len(s.b) && s.b[s.pos] == '.' {
		s.pos++
		if !s.digits() {
			return s.syntax()
		}
	}
	if s.pos < len(s.b) && (s.b[s.pos] == 'e' || s.b[s.pos] == 'E') {
		s.pos++
		if s.pos < len(s.b) && (s.b[s.pos] == '+' || s.b[s.pos] == '-') {
			s.pos++
		}
		if !s.digits() {
			return s.syntax()
		}
	}
	return nil
}

// digits consumes one or more decimal digits.
func (s *scanner) digits() bool {
	start := s.pos
	for s.pos < len(s.b) && s.b[s.pos] >= '0' && s.b[s.pos] <= '9' {
		s.pos++
	}
	return s.pos > start
}

func (s *scanner) literal() *Error {
	for _, lit := range [...]string{"true", "false", "null"} {
		if len(s.b)-s.pos >= len(lit) && string(s.b[s.pos:s.pos+len(lit)]) == lit {
			s.pos += len(lit)
			return nil
		}
	}
	return s.syntax()
}

// name returns a member name, decoded when it has escapes. Without escapes
// it aliases the body (no copy): the scanner never outlives Message.
func (s *scanner) name(start, end int, esc bool) string {
	raw := s.b[start:end]
	if esc {
		return unescape(raw)
	}
	if len(raw) == 0 {
		return ""
	}
	return unsafe.String(&raw[0], len(raw))
}
