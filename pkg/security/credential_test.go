package security

import (
	"fmt"
	"reflect"
	"testing"
)

// cred renders a Credential for comparison in tests only.
func cred(c Credential) string {
	if c.Value.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d:%s", c.Form, c.Value.Reveal())
}

// TestApplyReportsCredential: Apply returns exactly the credential it set upstream, in core
// form, so that the response can be redacted of it.
func TestApplyReportsCredential(t *testing.T) {
	cases := []struct {
		name string
		spec PolicySpec
		in   Inbound
		want string
	}{
		{"default basic", PolicySpec{UpstreamID: "basicDef"}, Inbound{}, "2:" + b64(secBasicDef)},
		{"default bearer", PolicySpec{UpstreamID: "bearerDef"}, Inbound{}, "1:" + secBearerDef},
		{"default header key", PolicySpec{UpstreamID: "hdrDef"}, Inbound{}, "1:" + secHeaderDef},
		{"default query key", PolicySpec{UpstreamID: "qryDef"}, Inbound{}, "1:" + secQueryDef},
		{"default cookie key", PolicySpec{UpstreamID: "ckDef"}, Inbound{}, "1:" + secCookieDef},
		{"override", PolicySpec{UpstreamID: "bearerDef", Credential: secOverride, HasCredential: true}, Inbound{}, "1:" + secOverride},
		{"passthrough bearer", PolicySpec{ClientID: "bearer", Passthrough: true, UpstreamID: "hdr"},
			bearerIn("bearer  client-tok-1"), "1:client-tok-1"},
		{"passthrough basic", PolicySpec{ClientID: "basic", Passthrough: true},
			bearerIn("Basic " + b64("alice:pw-4Wq")), "2:" + b64("alice:pw-4Wq")},
		{"passthrough query", PolicySpec{ClientID: "qry", Passthrough: true, UpstreamID: "ck"},
			Inbound{RawQuery: "api_key=q%2Fk-1"}, "1:q/k-1"},
		{"passthrough cookie", PolicySpec{ClientID: "ck", Passthrough: true},
			Inbound{Headers: hdr("cookie", "lang=en; session=ck-client-1")}, "1:ck-client-1"},
		{"auth header", PolicySpec{PassthroughAuthHeader: true}, bearerIn("APPCODE app-9"), "3:APPCODE app-9"},
		{"auth header absent", PolicySpec{PassthroughAuthHeader: true}, Inbound{}, ""},
		{"no upstream scheme", PolicySpec{ClientID: "bearer"}, bearerIn("Bearer t"), ""},
		{"local tool", PolicySpec{NoUpstream: true, UpstreamID: "hdrDef"}, Inbound{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, err := mustPolicy(t, c.spec).Apply(c.in, &fakeTarget{})
			if err != nil {
				t.Fatal(err)
			}
			if got := cred(a.Credential); got != c.want {
				t.Errorf("credential = %q, want %q", got, c.want)
			}
		})
	}
}

func TestApplyRefusedReportsNoCredential(t *testing.T) {
	a, err := passthrough(t, "bearer", "bearerDef").Apply(Inbound{}, &fakeTarget{})
	if err == nil || !a.Credential.Value.IsZero() || a.Source != "" {
		t.Fatalf("applied %q %q, err %v", a.Source, cred(a.Credential), err)
	}
}

// TestPolicyCredentials: every configured credential of C and U and the override, once each.
func TestPolicyCredentials(t *testing.T) {
	cases := []struct {
		name string
		spec PolicySpec
		want []string
	}{
		{"U default", PolicySpec{UpstreamID: "hdrDef"}, []string{"1:" + secHeaderDef}},
		{"C and U defaults", PolicySpec{ClientID: "basicDef", UpstreamID: "qryDef"},
			[]string{"2:" + b64(secBasicDef), "1:" + secQueryDef}},
		{"override and U default", PolicySpec{ClientID: "ckDef", UpstreamID: "bearerDef", Credential: secOverride, HasCredential: true},
			[]string{"1:" + secCookieDef, "1:" + secBearerDef, "1:" + secOverride}},
		{"passthrough keeps configured defaults", PolicySpec{ClientID: "bearerDef", Passthrough: true, UpstreamID: "hdrDef"},
			[]string{"1:" + secBearerDef, "1:" + secHeaderDef}},
		{"same scheme once", PolicySpec{ClientID: "hdrDef", UpstreamID: "hdrDef"}, []string{"1:" + secHeaderDef}},
		{"env default", PolicySpec{UpstreamID: "bearerEnv"}, []string{"1:" + secEnv}},
		{"none", PolicySpec{ClientID: "bearer"}, nil},
		{"local tool", PolicySpec{NoUpstream: true, ClientID: "hdrDef"}, []string{"1:" + secHeaderDef}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, cr := range mustPolicy(t, c.spec).Credentials() {
				got = append(got, cred(cr))
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("credentials = %q, want %q", got, c.want)
			}
		})
	}
}
