package backend

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

var testCreds = Credentials{
	BearerTokens: map[string]string{"alice-token": "alice"},
	APIKey:       "key-123", QueryKey: "qkey-456", BasicUser: "admin", BasicPass: "pw",
}

func TestCredentials(t *testing.T) {
	srv := httptest.NewServer(New(testCreds))
	defer srv.Close()
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		challenge, contains      string
	}{
		{"public list", "GET", "/v1/pets?species=cat", "", nil, 200, "", `"Mittens"`},
		{"public one", "GET", "/v1/pets/1", "", nil, 200, "", `"Rex"`},
		{"public missing", "GET", "/v1/pets/99", "", nil, 404, "", "no pet with id 99"},
		{"bearer ok", "GET", "/v1/me/orders", "", map[string]string{"Authorization": "Bearer alice-token"}, 200, "", `"user": "alice"`},
		{"bearer lowercase scheme", "GET", "/v1/me/orders", "", map[string]string{"Authorization": "bearer alice-token"}, 200, "", `"user": "alice"`},
		{"bearer wrong", "GET", "/v1/me/orders", "", map[string]string{"Authorization": "Bearer nope"}, 401, `Bearer realm="petstore", error="invalid_token"`, "unauthorized"},
		{"bearer as basic", "GET", "/v1/me/orders", "", map[string]string{"Authorization": "Basic YWxpY2UtdG9rZW4="}, 401, `Bearer realm="petstore", error="invalid_token"`, ""},
		{"order ok", "POST", "/v1/orders", `{"petId":2,"quantity":2}`, map[string]string{"Authorization": "Bearer alice-token"}, 201, "", `"total": 240`},
		{"api key ok", "GET", "/v1/inventory", "", map[string]string{"X-API-Key": "key-123"}, 200, "", `"available": 3`},
		{"api key missing", "GET", "/v1/inventory", "", nil, 401, `ApiKey realm="petstore", header="X-API-Key"`, ""},
		{"api key in bearer", "GET", "/v1/inventory", "", map[string]string{"Authorization": "Bearer key-123"}, 401, `ApiKey realm="petstore", header="X-API-Key"`, ""},
		{"add pet", "POST", "/v1/pets", `{"name":"Nemo","species":"fish"}`, map[string]string{"X-API-Key": "key-123"}, 201, "", `"id": 6`},
		{"query key ok", "GET", "/v1/search?q=rex&api_key=qkey-456", "", nil, 200, "", `"Rex"`},
		{"query key twice", "GET", "/v1/search?q=rex&api_key=qkey-456&api_key=qkey-456", "", nil, 401, `ApiKey realm="petstore", query="api_key"`, ""},
		{"query key in header", "GET", "/v1/search?q=rex", "", map[string]string{"X-API-Key": "qkey-456"}, 401, `ApiKey realm="petstore", query="api_key"`, ""},
		{"basic ok", "GET", "/v1/admin/stats", "", map[string]string{"Authorization": "Basic YWRtaW46cHc="}, 200, "", `"routes"`},
		{"basic wrong", "GET", "/v1/admin/stats", "", map[string]string{"Authorization": "Basic YWRtaW46bm8="}, 401, `Basic realm="petstore-admin", charset="UTF-8"`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.contains) {
				t.Errorf("%d %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != tc.challenge {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.challenge)
			}
			if !strings.HasPrefix(resp.Header.Get("Set-Cookie"), "petstore_session=sess-") {
				t.Errorf("Set-Cookie = %q", resp.Header.Get("Set-Cookie"))
			}
		})
	}
}

func TestRecordsAndDebugEndpoint(t *testing.T) {
	b := New(testCreds)
	srv := httptest.NewServer(b)
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/v1/pets?x=1", strings.NewReader(`{"name":"Nemo","species":"fish"}`))
	req.Header.Set("X-API-Key", "key-123")
	req.Host = "petstore.local"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	recs := b.Requests()
	if len(recs) != 1 {
		t.Fatalf("records = %d", len(recs))
	}
	r := recs[0]
	if r.Method != "POST" || r.Path != "/v1/pets" || r.RawQuery != "x=1" || r.Query.Get("x") != "1" || r.Host != "petstore.local" ||
		r.Header.Get("X-Api-Key") != "key-123" || r.Body != `{"name":"Nemo","species":"fish"}` {
		t.Errorf("record = %+v", r)
	}

	resp, err = http.Get(srv.URL + "/_debug/requests")
	if err != nil {
		t.Fatal(err)
	}
	var dbg struct{ Requests []Record }
	if err := json.NewDecoder(resp.Body).Decode(&dbg); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if len(dbg.Requests) != 1 || dbg.Requests[0].Path != "/v1/pets" {
		t.Errorf("debug = %+v", dbg)
	}
	req, _ = http.NewRequest("DELETE", srv.URL+"/_debug/requests", nil)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v %v", resp, err)
	}
	if n := len(b.Requests()); n != 0 {
		t.Errorf("after reset: %d records", n)
	}
}

func TestRecordsKeepTheNewest(t *testing.T) {
	b := New(testCreds)
	get := func(i int) {
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest("GET", fmt.Sprintf("/v1/pets?n=%d", i), nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("request %d: status %d", i, rec.Code)
		}
	}
	for _, tc := range []struct {
		sent        int // requests in total since the reset
		first, last int // the n of the oldest and newest record kept
	}{
		{1, 1, 1},
		{MaxRecords - 1, 1, MaxRecords - 1},
		{MaxRecords, 1, MaxRecords},
		{MaxRecords + 1, 2, MaxRecords + 1},
		{2*MaxRecords + 7, MaxRecords + 8, 2*MaxRecords + 7},
	} {
		b.Reset()
		for i := 1; i <= tc.sent; i++ {
			get(i)
		}
		recs := b.Requests()
		if want := tc.last - tc.first + 1; len(recs) != want || b.Total() != tc.sent {
			t.Fatalf("after %d requests: %d records kept, total %d; want %d and %d", tc.sent, len(recs), b.Total(), want, tc.sent)
		}
		for i, r := range recs {
			if want := strconv.Itoa(tc.first + i); r.Query.Get("n") != want {
				t.Fatalf("after %d requests: record %d is n=%s, want n=%s (oldest first)", tc.sent, i, r.Query.Get("n"), want)
			}
		}
		rec := httptest.NewRecorder()
		b.ServeHTTP(rec, httptest.NewRequest("GET", "/_debug/requests", nil))
		var dbg struct {
			Requests []Record
			Total    int
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &dbg); err != nil {
			t.Fatal(err)
		}
		if dbg.Total != tc.sent || len(dbg.Requests) != len(recs) || dbg.Requests[0].RawQuery != recs[0].RawQuery {
			t.Errorf("after %d requests: /_debug/requests total %d with %d records (first %q), want %d with %d (first %q)",
				tc.sent, dbg.Total, len(dbg.Requests), dbg.Requests[0].RawQuery, tc.sent, len(recs), recs[0].RawQuery)
		}
	}
}
