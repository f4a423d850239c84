package security

import (
	"net/url"
	"strings"
)

// failure says why no client credential could be extracted.
type failure uint8

const (
	failNone      failure = iota
	failMissing           // carrier absent or empty
	failDuplicate         // carrier present more than once
	failScheme            // Authorization uses another auth scheme
	failSyntax            // not "<scheme> <token68>", or characters not allowed in the value
	failBasic             // Basic token is not padded base64 of "user:pass"
	failEncoding          // query value is not valid percent-encoding
	failForm              // value cannot be carried in the upstream form
	failLast
)

// extract returns the core client credential per s: the token of "Bearer x", the base64 of
// "Basic b64", or the raw API key. raw is the whole Authorization value for http schemes.
func (s *Scheme) extract(in *Inbound) (cred, raw string, f failure) {
	switch s.in {
	case inQuery:
		cred, f = queryValue(in.RawQuery, s.key)
		return cred, "", f
	case inCookie:
		cred, f = cookieValue(in.Headers, s.key)
		return cred, "", f
	}
	raw, f = singleHeader(in.Headers, s.key)
	if f != failNone {
		return "", "", f
	}
	if s.kind == kindAPIKey {
		cred = trimOWS(raw)
		switch {
		case cred == "":
			return "", "", failMissing
		case !allIn(cred, &visibleChars):
			return "", "", failSyntax
		}
		return cred, raw, failNone
	}
	cred, f = parseAuthorization(raw, s.kind)
	return cred, raw, f
}

// singleHeader returns the value of the only header named lower (lowercase).
func singleHeader(headers [][2]string, lower string) (string, failure) {
	found, n := "", 0
	for i := range headers {
		if headers[i][0] == lower || equalFoldASCII(headers[i][0], lower) {
			found = headers[i][1]
			n++
		}
	}
	switch n {
	case 0:
		return "", failMissing
	case 1:
		return found, failNone
	}
	return "", failDuplicate
}

// parseAuthorization parses an Authorization value as "<word> 1*SP <token68>" where word is
// "Basic" or "Bearer" in any case, and returns the token. Basic tokens must be padded
// standard base64 of "user:pass".
func parseAuthorization(v string, k kind) (string, failure) {
	v = trimOWS(v)
	if v == "" {
		return "", failMissing
	}
	word, tok, _ := strings.Cut(v, " ")
	want := "bearer"
	if k == kindBasic {
		want = "basic"
	}
	if !equalFoldASCII(word, want) {
		return "", failScheme
	}
	for tok != "" && tok[0] == ' ' {
		tok = tok[1:]
	}
	if !isToken68(tok) {
		return "", failSyntax
	}
	if k == kindBasic && !isBasicToken(tok) {
		return "", failBasic
	}
	return tok, failNone
}

// queryValue returns the percent-decoded value of the only parameter named name in a raw
// query ('&'-separated; '+' is a space). Keys that are not valid percent-encoding cannot be
// name and are skipped. The value must be non-empty visible ASCII.
func queryValue(rawQuery, name string) (string, failure) {
	found, n := "", 0
	for rest := rawQuery; rest != ""; {
		var pair string
		pair, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(pair, "=")
		if key, ok := unescapeQuery(k); !ok || key != name {
			continue
		}
		if n++; n > 1 {
			return "", failDuplicate
		}
		found = v
	}
	if n == 0 {
		return "", failMissing
	}
	v, ok := unescapeQuery(found)
	switch {
	case !ok:
		return "", failEncoding
	case v == "":
		return "", failMissing
	case !allIn(v, &visibleChars):
		return "", failSyntax
	}
	return v, failNone
}

// unescapeQuery decodes s only if it needs decoding (no allocation otherwise).
func unescapeQuery(s string) (string, bool) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, true
	}
	v, err := url.QueryUnescape(s)
	return v, err == nil
}

// cookieValue returns the value of the only cookie named name across all Cookie headers
// (RFC 6265 cookie-string: pairs separated by ';', optional DQUOTEs around the value).
// Pairs without '=' are ignored. The value must be non-empty cookie-octets.
func cookieValue(headers [][2]string, name string) (string, failure) {
	found, n := "", 0
	for i := range headers {
		if headers[i][0] != "cookie" && !equalFoldASCII(headers[i][0], "cookie") {
			continue
		}
		for rest := headers[i][1]; rest != ""; {
			var pair string
			pair, rest, _ = strings.Cut(rest, ";")
			k, v, ok := strings.Cut(trimOWS(pair), "=")
			if !ok || trimOWS(k) != name {
				continue
			}
			if n++; n > 1 {
				return "", failDuplicate
			}
			found = v
		}
	}
	if n == 0 {
		return "", failMissing
	}
	if len(found) >= 2 && found[0] == '"' && found[len(found)-1] == '"' {
		found = found[1 : len(found)-1]
	}
	switch {
	case found == "":
		return "", failMissing
	case !allIn(found, &cookieOctets):
		return "", failSyntax
	}
	return found, failNone
}
