package rest

import "github.com/mcp-rest-bridge/mcp-rest-bridge/pkg/template"

// Recycle readies c for a later call of any tool: it drops every reference to this call (its
// tool, its arguments, which alias the request's JSON, and the client's headers) and keeps
// its buffers for the next Prepare, except one that grew beyond max bytes, so that one call
// with a huge argument does not keep that memory for as long as c is kept.
func (c *Call) Recycle(max int) {
	clear(c.vals[:cap(c.vals)])
	c.vals = c.vals[:0]
	c.tool, c.client, c.dataState = nil, nil, 0
	c.dataBuf = keep(c.dataBuf, max)
	c.scratch = keep(c.scratch, max)
}

// Recycle empties r like Reset and also drops the strings its pair buffers still hold, keeping
// the buffers except one that grew beyond max bytes (the body, a rendered URL or header).
func (r *Request) Recycle(max int) {
	r.Reset()
	clear(r.Headers[:cap(r.Headers)])
	clear(r.Query[:cap(r.Query)])
	clear(r.wire[:cap(r.wire)])
	r.wire = r.wire[:0]
	r.Body = keep(r.Body, max)
	if cap(r.url.Bytes()) > max {
		r.url = template.URLSink{}
	}
	if cap(r.text.Bytes()) > max {
		r.text = template.TextSink{}
	}
	if cap(r.body.Bytes()) > max {
		r.body = template.BodySink{}
	}
}

// keep returns b emptied, or nil when its capacity is above max bytes.
func keep(b []byte, max int) []byte {
	if cap(b) > max {
		return nil
	}
	return b[:0]
}
