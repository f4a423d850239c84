package security

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

// stdBasic is the reference for isBasicToken: what encoding/base64 (strict) accepts,
// decoding to "user:pass" without control characters.
func stdBasic(tok string) bool {
	if strings.ContainsAny(tok, "\r\n") { // Strict still skips CR/LF; token68 does not allow them
		return false
	}
	b, err := base64.StdEncoding.Strict().DecodeString(tok)
	return err == nil && strings.IndexByte(string(b), ':') >= 0 && !hasCTL(string(b))
}

// allowedMessages is every error text Apply can return for p: a fixed set that depends only
// on the configuration, so no client input can ever appear in an error.
func allowedMessages(p *Policy) map[string]bool {
	m := map[string]bool{}
	for f := failMissing; f < failLast; f++ {
		m[p.refusal(f).Error()] = true
	}
	return m
}

// checkApply runs p.Apply and checks the error is one of the policy's fixed messages and
// that a success sets exactly one credential.
func checkApply(t *testing.T, p *Policy, in Inbound) (string, *fakeTarget) {
	t.Helper()
	tg := &fakeTarget{}
	a, err := p.Apply(in, tg)
	src := a.Source
	if err != nil {
		if !allowedMessages(p)[err.Error()] {
			t.Fatalf("unexpected error text %q", err.Error())
		}
		for _, op := range tg.ops {
			if strings.HasPrefix(op, "set ") {
				t.Fatalf("refused request still got %q", op)
			}
		}
		return "", tg
	}
	if src != p.Source() || len(tg.headers)+len(tg.query)+len(tg.cookies) != 1 {
		t.Fatalf("source %q, state %q %q %q", src, tg.headers, tg.query, tg.cookies)
	}
	return src, tg
}

func FuzzParseAuthorization(f *testing.F) {
	for _, fx := range loadAuthFixtures(f) {
		f.Add(fx.value)
	}
	bb, ba, bh := passthrough(f, "bearer", "bearer"), passthrough(f, "basic", "basic"), passthrough(f, "bearer", "hdr")
	f.Fuzz(func(t *testing.T, v string) {
		for _, k := range []kind{kindBearer, kindBasic} {
			cred, fail := parseAuthorization(v, k)
			if fail == failNone && (!isToken68(cred) || !strings.HasSuffix(trimOWS(v), " "+cred)) {
				t.Fatalf("kind %d: accepted %q from %q", k, cred, v)
			}
			if fail == failNone && k == kindBasic && !stdBasic(cred) {
				t.Fatalf("basic token %q rejected by encoding/base64", cred)
			}
		}
		if isToken68(v) && isBasicToken(v) != stdBasic(v) {
			t.Fatalf("isBasicToken(%q) = %v, encoding/base64 disagrees", v, isBasicToken(v))
		}
		for _, p := range []*Policy{bb, ba, bh} {
			if _, tg := checkApply(t, p, Inbound{Headers: hdr("authorization", v)}); len(tg.headers) == 1 {
				if got := tg.headers[0][1]; !strings.HasSuffix(trimOWS(v), strings.TrimPrefix(strings.TrimPrefix(got, "Bearer "), "Basic ")) {
					t.Fatalf("sent %q for %q", got, v)
				}
			}
		}
	})
}

func FuzzParseCookie(f *testing.F) {
	for _, s := range []string{"session=abc", "a=1; session=\"x\"", "session=a; session=b", "session=a b",
		"session=", "=; ;session=a;", "lang=en\nsession=tok-1", "session=\"", "session=%41"} {
		f.Add(s)
	}
	self, toBearer := passthrough(f, "ck", ""), passthrough(f, "ck", "bearer")
	f.Fuzz(func(t *testing.T, header string) {
		var hs [][2]string
		for _, h := range strings.Split(header, "\n") {
			hs = append(hs, [2]string{"cookie", h})
		}
		cred, fail := cookieValue(hs, "session")
		if fail == failNone && (!allIn(cred, &cookieOctets) || !strings.Contains(header, "session") ||
			!strings.Contains(header, "="+cred) && !strings.Contains(header, "=\""+cred+"\"")) {
			t.Fatalf("accepted %q from %q", cred, header)
		}
		for _, p := range []*Policy{self, toBearer} {
			checkApply(t, p, Inbound{Headers: hs})
		}
	})
}

func FuzzQueryValue(f *testing.F) {
	for _, s := range []string{"api_key=k1", "a=1&api_key=k%2D1", "api_key=a&api_key=b", "api_key=%zz", "api%5Fkey=x",
		"api_key=", "api_key=a+b", "x=%zz&api_key=k", "api_key=a;b", "api_key=%0D%0A"} {
		f.Add(s)
	}
	self, toCookie := passthrough(f, "qry", ""), passthrough(f, "qry", "ck")
	f.Fuzz(func(t *testing.T, raw string) {
		cred, fail := queryValue(raw, "api_key")
		if vals, err := url.ParseQuery(raw); err == nil {
			want, wantFail := stdQuery(vals["api_key"])
			if cred != want || fail != wantFail {
				t.Fatalf("%q: got (%q, %d), net/url says (%q, %d)", raw, cred, fail, want, wantFail)
			}
		}
		for _, p := range []*Policy{self, toCookie} {
			checkApply(t, p, Inbound{RawQuery: raw})
		}
	})
}

func stdQuery(vs []string) (string, failure) {
	switch {
	case len(vs) == 0:
		return "", failMissing
	case len(vs) > 1:
		return "", failDuplicate
	case vs[0] == "":
		return "", failMissing
	case !allIn(vs[0], &visibleChars):
		return "", failSyntax
	}
	return vs[0], failNone
}
