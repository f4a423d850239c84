package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Fixed values shared by the fixtures and the checks. They must agree with
// bench/config.json.
const (
	clientToken   = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJiZW5jaC11c2VyIiwiYXVkIjoicGV0c3RvcmUifQ.c2lnbmF0dXJlLWJlbmNo"
	defaultAPIKey = "bench-petstore-key-0001"
	petID         = "p-8812"
	fieldsArg     = "name,status,tags"
	rpcID         = 42
	upstreamHost  = "petstore.internal"
	upstreamPath  = "/v1/pets/" + petID
)

// scenario is one tools/call shape and what the upstream request must look like.
type scenario struct {
	tool          string
	wantHeaders   [][2]string // upstream headers that must be present with exactly this value
	absentHeaders []string    // upstream headers that must be gone
}

var scenarios = map[string]scenario{
	// Default apiKey credential from requestTemplate.security; the client's
	// bearer token must not reach the backend.
	"apikey": {
		tool:          "get_pet",
		wantHeaders:   [][2]string{{"x-api-key", defaultAPIKey}},
		absentHeaders: []string{"authorization", "mcp-protocol-version"},
	},
	// Client bearer passed through to a bearer backend.
	"passthrough": {
		tool:          "get_pet_as_user",
		wantHeaders:   [][2]string{{"authorization", "Bearer " + clientToken}},
		absentHeaders: []string{"x-api-key", "mcp-protocol-version"},
	},
}

func scenarioNames() string {
	names := make([]string, 0, len(scenarios))
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// fixtures is one request/response exchange, built once and replayed N times.
type fixtures struct {
	requestHeaders  [][2]string
	requestBody     []byte
	responseHeaders [][2]string
	responseBody    []byte
}

func newFixtures(sc scenario) fixtures {
	body := []byte(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{"petId":%q,"fields":%q}}}`,
		rpcID, sc.tool, petID, fieldsArg))
	resp := petResponse()
	return fixtures{
		requestHeaders: [][2]string{
			{":method", "POST"},
			{":path", "/mcp"},
			{":authority", "mcp.example.com"},
			{":scheme", "https"},
			{"content-type", "application/json"},
			{"accept", "application/json, text/event-stream"},
			{"mcp-protocol-version", "2025-11-25"},
			{"authorization", "Bearer " + clientToken},
			{"user-agent", "claude-code/2.0.14 (external, cli)"},
			{"accept-encoding", "gzip, deflate, br"},
			{"content-length", strconv.Itoa(len(body))},
			{"x-forwarded-for", "203.0.113.7"},
			{"x-forwarded-proto", "https"},
			{"x-request-id", "0f6c1d2e-8b7a-4c39-9e51-2a7d4b6c8e90"},
			{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
		},
		requestBody: body,
		responseHeaders: [][2]string{
			{":status", "200"},
			{"content-type", "application/json"},
			{"content-length", strconv.Itoa(len(resp))},
			{"date", "Mon, 17 Nov 2025 09:30:00 GMT"},
			{"server", "petstore/1.4"},
			{"cache-control", "no-store"},
			{"x-envoy-upstream-service-time", "7"},
		},
		responseBody: resp,
	}
}

// petResponse is a compact 1 KiB JSON object, as a REST backend would send it.
func petResponse() []byte {
	const head = `{"id":"` + petID + `","name":"Rex","status":"available","species":"dog","breed":"border collie",` +
		`"birthDate":"2021-04-03","weightKg":18.4,"vaccinated":true,"microchip":"985112003456789",` +
		`"tags":["friendly","trained","good-with-kids"],` +
		`"owner":{"id":"u-1021","name":"Alex Doe","email":"alex.doe@example.com"},` +
		`"photos":[{"url":"https://cdn.petstore.example/p-8812/1.jpg","width":1024,"height":768},` +
		`{"url":"https://cdn.petstore.example/p-8812/2.jpg","width":1024,"height":768}],` +
		`"notes":"`
	const tail = `"}`
	var b strings.Builder
	b.WriteString(head)
	const filler = "Loves long walks and fetch. "
	for b.Len()+len(tail) < 1024 {
		b.WriteByte(filler[(b.Len()-len(head))%len(filler)])
	}
	b.WriteString(tail)
	return []byte(b.String())
}
