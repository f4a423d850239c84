package main

import (
	"maps"
	"slices"
	"strings"

	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/config"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/redact"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/rest"
)

// toolSecrets compiles, once at start, each tool's configured credentials (defaults of its
// client and upstream schemes, its override, its oauth2 client secret) into the set its responses are redacted of, and
// whether its results need the second pass over the final message (finalPass), indexed like
// cfg.Tools.
func toolSecrets(cfg *config.Config) (sets []*redact.Set, finalPass []bool) {
	sets, finalPass = make([]*redact.Set, len(cfg.Tools)), make([]bool, len(cfg.Tools))
	for i, tool := range cfg.Tools {
		creds := tool.Policy.Credentials()
		if tool.Grant != nil {
			creds = append(creds, tool.Grant.Credentials()...)
		}
		for _, n := range slices.Sorted(maps.Keys(tool.ConsumerGrants)) {
			creds = append(creds, tool.ConsumerGrants[n].Credentials()...)
		}
		sets[i] = redact.New(creds...)
		prepend, appendText, templated := tool.Rest.ResponseTexts()
		finalPass[i] = templated || prepend != "" || appendText != ""
		if n := sets[i].ShortSecrets(); n > 0 {
			log.Warnf("mcp-rest-bridge: tool %s: %d credential form(s) shorter than %d bytes are redacted from responses only where they stand as a whole token",
				tool.Rest.Name(), n, redact.MinLength)
		}
	}
	return sets, finalPass
}

// withheldImage is the tool error for an image that holds a credential: its bytes cannot be
// redacted without corrupting it, so it does not reach the client at all.
const withheldImage = "the REST backend returned an image that contains a credential of this tool call; it was withheld"

// convertRedacted converts the REST response with the call's credentials redacted from the
// backend body before conversion, in the form the backend wrote them (pkg/redact's doc says
// why there), and again from the final JSON-RPC message, in the form the client gets, when
// that can find more: a template or prependBody/appendBody joins other text to the body, or a
// secret holds bytes that escaping or JSON structure can split (redact.Set.PlainText). In
// the common case (plain tokens, no template) the second pass could only find what the first
// removed, and it would cost a scan of the whole message per call (make bench).
func convertRedacted(pc pluginConfig, st *requestState, body []byte) []byte {
	// One buffer holds the whole message: the envelope, then the result's members appended
	// in place (the body escaped once), sized for a text result of body: its escapes may
	// take a quarter more; a body that needs more (base64, a template) grows it once.
	out := pc.server.AppendResultOpen(st.out[:0], st.call, 64+len(body)+len(body)/4)
	if isImage(st.resp.contentType) && st.secrets.Contains(body) {
		out = rest.AppendErrorResult(out, withheldImage)
	} else {
		out = st.restCall.AppendResponse(out, st.resp.status, st.resp.contentType, st.secrets.BodyWithin(body, pc.cfg.Bridge.MaxJSONDepth),
			pc.cfg.Bridge.ErrorExcerptBytes)
	}
	out = mcp.CloseResult(out)
	st.out = out // the host copies the message: the buffer serves the state's next request
	if pc.finalPass[st.call.ToolIndex] || !st.secrets.PlainText() {
		out = st.secrets.JSON(out)
	}
	return out
}

func isImage(contentType string) bool {
	ct := strings.TrimSpace(contentType)
	return len(ct) >= 6 && strings.EqualFold(ct[:6], "image/")
}
