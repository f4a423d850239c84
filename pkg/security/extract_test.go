package security

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

var failNames = map[string]failure{"missing": failMissing, "duplicate": failDuplicate, "scheme": failScheme,
	"syntax": failSyntax, "basic": failBasic, "encoding": failEncoding, "form": failForm}

type authFixture struct {
	kind  kind
	value string
	cred  string
	fail  failure
}

func loadAuthFixtures(t testing.TB) []authFixture {
	t.Helper()
	f, err := os.Open("testdata/authorization.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []authFixture
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		cols := strings.Split(line, "\t")
		v, err := strconv.Unquote(cols[1])
		if len(cols) != 3 || err != nil {
			t.Fatalf("bad fixture line %q", line)
		}
		fx := authFixture{kind: kindBearer, value: v}
		if cols[0] == "basic" {
			fx.kind = kindBasic
		}
		if cred, ok := strings.CutPrefix(cols[2], "ok:"); ok {
			fx.cred = cred
		} else if fx.fail = failNames[cols[2]]; fx.fail == failNone {
			t.Fatalf("bad expectation in %q", line)
		}
		out = append(out, fx)
	}
	return out
}

func TestParseAuthorizationFixtures(t *testing.T) {
	fixtures := loadAuthFixtures(t)
	if len(fixtures) < 40 {
		t.Fatalf("only %d fixtures", len(fixtures))
	}
	for _, fx := range fixtures {
		cred, f := parseAuthorization(fx.value, fx.kind)
		if cred != fx.cred || f != fx.fail {
			t.Errorf("%d %q: got (%q, %d), want (%q, %d)", fx.kind, fx.value, cred, f, fx.cred, fx.fail)
		}
	}
}

func TestExtractHeaders(t *testing.T) {
	cases := []struct {
		scheme  string
		headers [][2]string
		cred    string
		fail    failure
	}{
		{"bearer", hdr("Authorization", "Bearer t1"), "t1", failNone},
		{"bearer", hdr("AUTHORIZATION", "Bearer t1"), "t1", failNone},
		{"bearer", hdr("authorization", "Bearer t1", "authorization", "Bearer t1"), "", failDuplicate},
		{"bearer", hdr("authorization", "", "Authorization", "Bearer t1"), "", failDuplicate},
		{"bearer", hdr("x-authorization", "Bearer t1"), "", failMissing},
		{"hdr", hdr("x-api-key", "k-1"), "k-1", failNone},
		{"hdr", hdr("X-API-KEY", " k-1\t"), "k-1", failNone},
		{"hdr", hdr("x-api-key", ""), "", failMissing},
		{"hdr", hdr("x-api-key", "  "), "", failMissing},
		{"hdr", hdr("x-api-key", "a b"), "", failSyntax},
		{"hdr", hdr("x-api-key", "caf\u00e9"), "", failSyntax},
		{"hdr", hdr("x-api-key", "a", "x-api-key", "b"), "", failDuplicate},
		{"hdr", hdr("authorization", "Bearer k"), "", failMissing},
		{"ck", nil, "", failMissing},
		{"ck", hdr("cookie", "other=1"), "", failMissing},
		{"ck", hdr("cookie", "session="), "", failMissing},
		{"ck", hdr("cookie", `session=""`), "", failMissing},
		{"ck", hdr("cookie", `session="abc"`), "abc", failNone},
		{"ck", hdr("cookie", `session="abc`), "", failSyntax},
		{"ck", hdr("cookie", "a=1;session=abc;b=2"), "abc", failNone},
		{"ck", hdr("cookie", "a=1; session=abc ; b"), "abc", failNone},
		{"ck", hdr("Cookie", "a=1", "cookie", "session=abc"), "abc", failNone},
		{"ck", hdr("cookie", "session=a b"), "", failSyntax},
		{"ck", hdr("cookie", "session=a,b"), "", failSyntax},
		{"ck", hdr("cookie", `session=a\b`), "", failSyntax},
		{"ck", hdr("cookie", " session = abc"), "", failSyntax},
		{"ck", hdr("cookie", "session =abc"), "abc", failNone}, // names are trimmed, like net/http
		{"ck", hdr("cookie", "session=a; session=b"), "", failDuplicate},
		{"ck", hdr("cookie", "session=a", "cookie", "session=a"), "", failDuplicate},
		{"ck", hdr("cookie", "Session=abc; sessionx=1"), "", failMissing},
		{"ck", hdr("cookie", "session=a=b"), "a=b", failNone},
		{"ck", hdr("x-session", "session=a"), "", failMissing},
	}
	schemes := testSchemes(t)
	for _, c := range cases {
		cred, _, f := schemes[c.scheme].extract(&Inbound{Headers: c.headers})
		if cred != c.cred || f != c.fail {
			t.Errorf("%s %q: got (%q, %d), want (%q, %d)", c.scheme, c.headers, cred, f, c.cred, c.fail)
		}
	}
}

func TestQueryValue(t *testing.T) {
	cases := []struct {
		raw, cred string
		fail      failure
	}{
		{"", "", failMissing},
		{"q=1", "", failMissing},
		{"api_key", "", failMissing},
		{"api_key=", "", failMissing},
		{"API_KEY=k1", "", failMissing},
		{"api_key=k1", "k1", failNone},
		{"x=1&api_key=k1&y=2", "k1", failNone},
		{"&&api_key=k1&", "k1", failNone},
		{"api%5Fkey=k1", "k1", failNone},
		{"%zz=1&api_key=k1", "k1", failNone},
		{"api_key=k%2D1", "k-1", failNone},
		{"api_key=a=b", "a=b", failNone},
		{"api_key=a;b", "a;b", failNone},
		{"api_key=a&api_key=b", "", failDuplicate},
		{"api_key=a&api%5Fkey=a", "", failDuplicate},
		{"api_key=&api_key=a", "", failDuplicate},
		{"api_key=a%zz", "", failEncoding},
		{"api_key=a%2", "", failEncoding},
		{"api_key=a%20b", "", failSyntax},
		{"api_key=a+b", "", failSyntax},
		{"api_key=%00", "", failSyntax},
		{"api_key=%0D%0AX-Injected:1", "", failSyntax},
		{"api_key=%C3%A9", "", failSyntax},
	}
	for _, c := range cases {
		cred, f := queryValue(c.raw, "api_key")
		if cred != c.cred || f != c.fail {
			t.Errorf("%q: got (%q, %d), want (%q, %d)", c.raw, cred, f, c.cred, c.fail)
		}
	}
}

func TestIsBasicTokenMatchesStdlib(t *testing.T) {
	for _, tok := range []string{"dXNlcjpwYXNz", "Og==", "OjA=", "YTpi", "YTpiYw==", "YTpiYw=", "YTpiYx==", "YTpi====", "", "YQ==", "YTo="} {
		if got, want := isBasicToken(tok), stdBasic(tok); got != want {
			t.Errorf("isBasicToken(%q) = %v, stdlib says %v", tok, got, want)
		}
	}
}
