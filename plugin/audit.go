package main

import (
	"github.com/higress-group/wasm-go/pkg/log"

	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/audit"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/mcp"
	"github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/metrics"
)

// writeAudit logs the audit line of a finished tools/call at info (bridge.audit). Its end is
// now: the response's end for a forwarded call, the local reply otherwise.
func writeAudit(st *requestState, call *mcp.Call, o metrics.ToolOutcome) {
	era := "legacy"
	if call.Era == mcp.Modern {
		era = "modern"
	}
	log.Info(audit.Record{
		Tool:             call.Tool,
		Consumer:         st.identity.Consumer,
		Outcome:          o.String(),
		UpstreamStatus:   st.resp.status,
		CredentialSource: st.credSource,
		Era:              era,
		ProtocolVersion:  call.Version,
		RequestID:        st.requestID,
		Start:            st.start,
		End:              now(),
	}.Line())
}
