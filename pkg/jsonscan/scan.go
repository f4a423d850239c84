// Package jsonscan validates an untrusted JSON-RPC message body in one
// iterative (non-recursive) pass, before any recursive parser sees it.
// gjson's validator recurses once per nesting level, so a small body of
// `[[[[...` nested 10,000 deep exhausts the Wasm stack under V8; this scanner
// keeps its own stack and stops at the configured depth.
//
// One pass checks, at once:
//   - syntax (RFC 8259: one value, exact number and literal grammar, no raw
//     control characters in strings);
//   - nesting depth: Limits.Envelope for the message, Limits.Arguments for
//     params.arguments, counted from the arguments value (1 = the object);
//   - duplicate member names in every object (names compared after
//     unescaping), so the value a check reads is the value that is used;
//   - UTF-8: raw bytes must be valid UTF-8 and \u escapes must not leave a
//     lone surrogate, so no string decodes to something other than it says.
//
// Syntax and depth errors stop the scan (the body must not be parsed at
// all). A duplicate or a UTF-8 error is recorded and the scan goes on, so
// that the caller learns the message's id and can answer it.
package jsonscan

import (
	"strconv"
	"unsafe"
)

// Kind says what is wrong with a body.
type Kind uint8

const (
	KindSyntax    Kind = iota + 1 // not JSON
	KindDepth                     // nested deeper than the limit
	KindDuplicate                 // an object has a member name twice
	KindUTF8                      // a string is not valid UTF-8 / Unicode
)

// Region says where in a JSON-RPC message the problem is.
type Region uint8

const (
	RegionEnvelope  Region = iota + 1 // anywhere outside params
	RegionParams                      // params, outside params.arguments
	RegionArguments                   // params.arguments and below
)

// Limits are the nesting limits (levels of objects and arrays).
type Limits struct {
	Envelope  int // the whole message outside params.arguments (root = 1)
	Arguments int // params.arguments, counted from the arguments value (its object = 1)
}

// Error describes the first problem found of its class. It never quotes the
// body: offsets and regions only.
type Error struct {
	Kind   Kind
	Region Region
	Offset int // byte offset in the body
	Limit  int // KindDepth: the limit that was exceeded
}

// Error returns a lowercase description without body content.
func (e *Error) Error() string {
	at := " at byte " + strconv.Itoa(e.Offset)
	switch e.Kind {
	case KindSyntax:
		return "jsonscan: invalid JSON" + at
	case KindDepth:
		return "jsonscan: " + e.Region.String() + " nested deeper than " + strconv.Itoa(e.Limit) + " levels" + at
	case KindDuplicate:
		return "jsonscan: duplicate member name in " + e.Region.String() + at
	case KindUTF8:
		return "jsonscan: string in " + e.Region.String() + " is not valid UTF-8" + at
	}
	return "jsonscan: unknown error" + at
}

// Fatal reports whether the body must not be parsed any further.
func (e *Error) Fatal() bool { return e.Kind == KindSyntax || e.Kind == KindDepth }

// String names the region as a JSON-RPC path.
func (r Region) String() string {
	switch r {
	case RegionParams:
		return "params"
	case RegionArguments:
		return "params.arguments"
	}
	return "the message"
}

// Result is the outcome of Message.
type Result struct {
	// Err is nil when the body is valid. A fatal error (syntax, depth) wins
	// over a recorded duplicate or UTF-8 error.
	Err *Error
	// ID is the raw text of the first top-level "id" member when it is a
	// string or a number and was read before the scan stopped, else "". It
	// aliases body.
	ID []byte
}

// Message scans body as one JSON-RPC message.
func Message(body []byte, lim Limits) Result {
	s := scanner{b: body, lim: lim}
	if len(body) > 0 {
		s.text = unsafe.String(&body[0], len(body))
	}
	if err := s.run(); err != nil {
		return Result{Err: err, ID: s.id}
	}
	return Result{Err: s.soft, ID: s.id}
}
