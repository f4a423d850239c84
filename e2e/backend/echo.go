package backend

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// echo answers with what it received, as httpbin's /anything does and as real APIs do in
// their debug answers and errors: method, URL (path and raw query), host, every header and the
// body. ?status=N answers with that status (default 200); ?format=text answers text/plain lines
// instead of JSON. It checks no credential: whatever the plugin sent comes back, which is what
// the plugin's response redaction is tested against.
func (b *Backend) echo(w http.ResponseWriter, r *http.Request) {
	status := http.StatusOK
	if s := r.URL.Query().Get("status"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 200 || n > 599 {
			http.Error(w, "status must be 200..599", http.StatusBadRequest)
			return
		}
		status = n
	}
	body, _ := io.ReadAll(r.Body) // ServeHTTP already read it into memory
	if r.URL.Query().Get("format") == "text" {
		var lines []string
		lines = append(lines, r.Method+" "+r.URL.RequestURI(), "Host: "+r.Host)
		for name, vs := range r.Header {
			for _, v := range vs {
				lines = append(lines, name+": "+v)
			}
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, strings.Join(lines, "\n")+"\n\n"+string(body))
		return
	}
	headers := map[string]string{}
	for name, vs := range r.Header {
		headers[name] = strings.Join(vs, ", ")
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{ // Go's encoder: '&' in the URL as \u0026
		"method": r.Method, "url": r.URL.RequestURI(), "host": r.Host, "headers": headers, "data": string(body),
	})
}
