package gateway

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

// RESP2 (https://redis.io/docs/latest/develop/reference/protocol-spec/), the subset Redis
// answers with unless a client switches to RESP3: simple strings (+), errors (-), integers (:),
// bulk strings ($, -1 = nil) and arrays (*, -1 = nil), nested.

var (
	errRESPSyntax = errors.New("malformed RESP")
	errRESPLimit  = errors.New("RESP value too deep or too large")
)

const maxRESPBulk = 64 << 20

// readRESP reads exactly one RESP value and returns its raw bytes.
func readRESP(r *bufio.Reader, depth int) ([]byte, error) {
	var out bytes.Buffer
	if err := readRESPInto(r, &out, depth); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func readRESPInto(r *bufio.Reader, out *bytes.Buffer, depth int) error {
	if depth <= 0 {
		return errRESPLimit
	}
	line, err := readRESPLine(r)
	if err != nil {
		return err
	}
	if len(line) == 0 {
		return errRESPSyntax
	}
	out.Write(line)
	out.WriteString("\r\n")
	switch line[0] {
	case '+', '-':
		return nil
	case ':':
		_, err := strconv.ParseInt(string(line[1:]), 10, 64)
		return syntaxIf(err)
	case '$':
		n, err := respLength(line[1:], maxRESPBulk)
		if err != nil || n < 0 {
			return err
		}
		if _, err := io.CopyN(out, r, int64(n)); err != nil {
			return errRESPSyntax
		}
		crlf, err := readRESPLine(r)
		if err != nil || len(crlf) != 0 {
			return errRESPSyntax
		}
		out.WriteString("\r\n")
		return nil
	case '*':
		n, err := respLength(line[1:], maxRESPItems)
		if err != nil {
			return err
		}
		for range max(n, 0) {
			if err := readRESPInto(r, out, depth-1); err != nil {
				return err
			}
		}
		return nil
	}
	return errRESPSyntax
}

// readRESPLine reads up to CRLF, without it. Only a bulk string's terminator may be empty.
func readRESPLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	switch {
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, errRESPLimit
	case err != nil:
		return nil, errRESPSyntax
	case len(line) < 2 || line[len(line)-2] != '\r':
		return nil, errRESPSyntax
	}
	return bytes.Clone(line[:len(line)-2]), nil
}

// respLength parses a bulk or array length: -1 (nil) up to limit.
func respLength(b []byte, limit int) (int, error) {
	n, err := strconv.Atoi(string(b))
	switch {
	case err != nil || n < -1:
		return 0, errRESPSyntax
	case n > limit:
		return 0, errRESPLimit
	}
	return n, nil
}

func syntaxIf(err error) error {
	if err != nil {
		return errRESPSyntax
	}
	return nil
}

// checkRESPCommand accepts exactly one command: a non-empty RESP array of bulk strings, nothing
// after it. Redis would answer anything else with an error or wait for more bytes.
func checkRESPCommand(q []byte) error {
	if len(q) == 0 || q[0] != '*' {
		return errors.New("query is not a RESP command")
	}
	r := bufio.NewReader(bytes.NewReader(q))
	n, err := readRESPLine(r)
	if err != nil {
		return errors.New("query is not a RESP command")
	}
	count, err := respLength(n[1:], maxRESPItems)
	if err != nil || count < 1 {
		return errors.New("query is not a RESP command")
	}
	for range count {
		if b, _ := r.Peek(1); len(b) != 1 || b[0] != '$' {
			return errors.New("query arguments must be bulk strings")
		}
		if _, err := readRESP(r, 1); err != nil {
			return errors.New("query is not a RESP command")
		}
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return errors.New("query holds more than one command")
	}
	return nil
}
