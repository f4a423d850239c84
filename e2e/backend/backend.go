// Package backend is the demo REST API behind the e2e gateway: a small pet store whose
// endpoints each need a different credential, so the e2e tests can see exactly which credential
// crossed the plugin (and that nothing else did).
//
//	GET  /v1/pets                 public          list pets (?species=, ?limit=)
//	GET  /v1/pets/{id}            public          one pet
//	GET  /v1/me/orders            Bearer token    the caller's orders (token -> user)
//	POST /v1/orders               Bearer token    place an order {"petId":..,"quantity":..}
//	GET  /v1/inventory            X-API-Key       stock per status
//	POST /v1/pets                 X-API-Key       add a pet {"name":..,"species":..}
//	GET  /v1/search?q=            ?api_key=       search pets by name
//	GET  /v1/admin/stats          Basic auth      request counters
//	GET  /v1/oauth/orders         OAuth2 Bearer   orders of the token's subject; the token is
//	                                              checked by RFC 7662 introspection at the
//	                                              authorization server (Credentials.OAuth)
//	ANY  /v1/debug/echo           none            what it received (method, URL, headers, body)
//	                                              as JSON, or text with ?format=text, with the
//	                                              status ?status=N: an echoing backend, for the
//	                                              plugin's response redaction
//	GET  /_debug/requests         (debug)         the recorded requests, JSON: the newest
//	                                              MaxRecords and the total received since
//	                                              the start or the last DELETE, which clears them
//
// Every request (except /_debug/) is recorded with its method, path, query, headers and body;
// the newest MaxRecords records are kept (a long-running demo must not grow with its traffic),
// and Total counts them all.
// Every response sets a cookie, and a wrong or missing credential gets 401 with
// WWW-Authenticate: the plugin must pass neither to MCP clients.
package backend

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Credentials are what the backend accepts.
type Credentials struct {
	BearerTokens map[string]string // token -> user name
	APIKey       string            // X-API-Key header
	QueryKey     string            // api_key query parameter
	BasicUser    string
	BasicPass    string
	OAuth        *OAuth // nil: /v1/oauth/orders answers 401
}

// Record is one request the backend received.
type Record struct {
	Time     time.Time   `json:"time"`
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"rawQuery"`
	Query    url.Values  `json:"query"`
	Host     string      `json:"host"`
	Header   http.Header `json:"header"` // canonical names, as received
	Body     string      `json:"body"`
}

// Backend is the pet store. It is an http.Handler.
type Backend struct {
	creds Credentials
	mux   *http.ServeMux

	mu      sync.Mutex
	records []Record // a ring of the newest MaxRecords; the oldest is at total%MaxRecords once full
	total   int      // every request recorded since New or Reset
	store   *store
}

// MaxRecords is how many of the newest requests the backend keeps for Requests and
// /_debug/requests. The e2e tests look at a handful per check; a demo left running under load
// keeps about 1 MB of them.
const MaxRecords = 1000

// New returns a backend with demo data.
func New(creds Credentials) *Backend {
	b := &Backend{creds: creds, mux: http.NewServeMux(), store: newStore()}
	b.routes()
	return b
}

// Requests returns a copy of the newest MaxRecords requests the backend received (all of them
// until then), oldest first.
func (b *Backend) Requests() []Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]Record, 0, len(b.records))
	oldest := 0
	if len(b.records) == MaxRecords {
		oldest = b.total % MaxRecords
	}
	for _, part := range [][]Record{b.records[oldest:], b.records[:oldest]} {
		for _, r := range part {
			r.Header = r.Header.Clone()
			out = append(out, r)
		}
	}
	return out
}

// Total returns how many requests the backend recorded since New or the last Reset, including
// those Requests no longer returns.
func (b *Backend) Total() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
}

// Reset forgets the recorded requests and the total (the pet data stays).
func (b *Backend) Reset() {
	b.mu.Lock()
	b.records, b.total = nil, 0
	b.mu.Unlock()
}

// ServeHTTP records the request, then serves it.
func (b *Backend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_debug/") {
		b.mux.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	rec := Record{
		Time: time.Now().UTC(), Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery,
		Query: r.URL.Query(), Host: r.Host, Header: r.Header.Clone(), Body: string(body),
	}
	b.mu.Lock()
	if len(b.records) < MaxRecords {
		b.records = append(b.records, rec)
	} else {
		b.records[b.total%MaxRecords] = rec
	}
	b.total++
	b.mu.Unlock()
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	// A session cookie on every response: MCP clients must never see it.
	http.SetCookie(w, &http.Cookie{Name: "petstore_session", Value: "sess-" + r.URL.Path, Path: "/", HttpOnly: true})
	b.mux.ServeHTTP(w, r)
}

func (b *Backend) routes() {
	b.mux.HandleFunc("GET /v1/pets", b.listPets)
	b.mux.HandleFunc("GET /v1/pets/{id}", b.getPet)
	b.mux.HandleFunc("GET /v1/me/orders", b.bearer(b.myOrders))
	b.mux.HandleFunc("POST /v1/orders", b.bearer(b.placeOrder))
	b.mux.HandleFunc("GET /v1/inventory", b.apiKey(b.inventory))
	b.mux.HandleFunc("POST /v1/pets", b.apiKey(b.addPet))
	b.mux.HandleFunc("GET /v1/search", b.queryKey(b.search))
	b.mux.HandleFunc("GET /v1/admin/stats", b.basic(b.stats))
	b.mux.HandleFunc("GET /v1/oauth/orders", b.introspected(b.oauthOrders))
	b.mux.HandleFunc("/v1/debug/echo", b.echo)
	b.mux.HandleFunc("GET /_debug/requests", func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		total := b.total
		b.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"requests": b.Requests(), "total": total})
	})
	b.mux.HandleFunc("DELETE /_debug/requests", func(w http.ResponseWriter, r *http.Request) {
		b.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
}

type userHandler func(w http.ResponseWriter, r *http.Request, user string)

func (b *Backend) bearer(next userHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		user, ok := b.creds.BearerTokens[token]
		if !strings.EqualFold(scheme, "Bearer") || !ok || len(r.Header.Values("Authorization")) != 1 {
			unauthorized(w, `Bearer realm="petstore", error="invalid_token"`)
			return
		}
		next(w, r, user)
	}
}

func (b *Backend) apiKey(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.Header.Values("X-Api-Key"); len(v) != 1 || !equal(v[0], b.creds.APIKey) {
			unauthorized(w, `ApiKey realm="petstore", header="X-API-Key"`)
			return
		}
		next(w, r)
	}
}

func (b *Backend) queryKey(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := r.URL.Query()["api_key"]; len(v) != 1 || !equal(v[0], b.creds.QueryKey) {
			unauthorized(w, `ApiKey realm="petstore", query="api_key"`)
			return
		}
		next(w, r)
	}
}

func (b *Backend) basic(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		scheme, payload, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		raw, err := base64.StdEncoding.DecodeString(payload)
		user, pass, _ := strings.Cut(string(raw), ":")
		if !strings.EqualFold(scheme, "Basic") || err != nil || !equal(user, b.creds.BasicUser) || !equal(pass, b.creds.BasicPass) {
			unauthorized(w, `Basic realm="petstore-admin", charset="UTF-8"`)
			return
		}
		next(w, r)
	}
}

func equal(a, b string) bool {
	return b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func unauthorized(w http.ResponseWriter, challenge string) {
	w.Header().Set("WWW-Authenticate", challenge)
	writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "unauthorized", "message": "missing or invalid credentials"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to do
}
