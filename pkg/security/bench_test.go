package security

import "testing"

func benchApply(b *testing.B, p *Policy, in Inbound) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := p.Apply(in, nopTarget{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkApplyDefaultAPIKey(b *testing.B) {
	benchApply(b, mustPolicy(b, PolicySpec{UpstreamID: "hdrDef"}), Inbound{})
}

func BenchmarkApplyPassthroughBearer(b *testing.B) {
	in := Inbound{Headers: hdr(":method", "POST", ":path", "/mcp", "content-type", "application/json",
		"authorization", "Bearer "+clientTok, "user-agent", "mcp-client/1.0")}
	benchApply(b, passthrough(b, "bearer", "bearerDef"), in)
}

func BenchmarkApplyPassthroughBasic(b *testing.B) {
	benchApply(b, passthrough(b, "basic", "basic"), Inbound{Headers: hdr("authorization", "Basic "+b64("alice:wonder-land-pw"))})
}

func BenchmarkApplyPassthroughQueryToHeader(b *testing.B) {
	benchApply(b, passthrough(b, "qry", "hdr"), Inbound{RawQuery: "session=1&api_key=" + clientTok})
}

func BenchmarkApplyPassthroughCookieToBearer(b *testing.B) {
	benchApply(b, passthrough(b, "ck", "bearer"), Inbound{Headers: hdr("cookie", "lang=en; session="+clientTok+"; theme=dark")})
}
