// One HTTP exchange through the plugin, driven the way Envoy's HTTP
// connection manager drives a Wasm filter: request headers, request body
// chunks (each call sees everything buffered so far; end_of_stream on the
// last), then, if the request went upstream, the backend's response headers
// and body chunks, then access log, done and delete. A local reply sent while
// decoding goes back through the plugin's response hooks (Envoy sends local
// replies through the encoder filter chain); one sent while encoding
// replaces the response directly.

import { status } from './abi.mjs';

const CONTINUE = 0;
const REQUEST = 0;
const RESPONSE = 1;

export class Stream {
  constructor(requestHeaders) {
    this.id = 0;
    // maps[type] = { pairs, writable } or null when the phase cannot reach it.
    this.maps = [{ pairs: requestHeaders.map(([k, v]) => [k.toLowerCase(), v]), writable: true }, null, null, null];
    this.buffers = [null, null];
    this.properties = new Map();
    this.resume = [false, false];
    this.localReply = null;
    this.extraLocalReplies = 0;
    this.encoding = false; // true once the response (upstream or local) is being encoded
    this.reset = null;
    this.pendingDone = false;
    this.sentHeaders = [null, null];
  }

  // accessLog leaves the headers that went out readable, and nothing
  // writable, for proxy_on_log (Envoy's access-log phase).
  accessLog() {
    for (const [dir, type] of [[REQUEST, 0], [RESPONSE, 2]]) {
      const pairs = this.sentHeaders[dir] ?? this.maps[type]?.pairs;
      this.maps[type] = pairs ? { pairs, writable: false } : null;
    }
    this.buffers = [null, null];
  }

  sendLocalReply(reply) {
    if (this.localReply) {
      this.extraLocalReplies++; // the first reply stands, as in Envoy
      return status.OK;
    }
    this.localReply = { ...reply, direct: this.encoding };
    return status.OK;
  }

  requestAttributes() {
    const h = Object.fromEntries(this.maps[REQUEST]?.pairs ?? []);
    return {
      'request.path': h[':path'], 'request.method': h[':method'], 'request.host': h[':authority'],
      'request.scheme': h[':scheme'], 'request.id': h['x-request-id'],
    };
  }
}

// split cuts body into n chunks of near-equal size (at least one chunk).
export function split(body, n) {
  if (body.length === 0 || n <= 1) return [body];
  const size = Math.ceil(body.length / n);
  const out = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out;
}

// runPhase delivers one direction (headers, then body chunks) to the plugin.
// It returns { forwarded: {headers, body} | null, stalled }: the headers and
// body that left the filter, or null when the plugin answered locally or
// never let them through.
function runPhase(vm, s, dir, headers, chunks) {
  const [onHeaders, onBody] = dir === REQUEST
    ? ['proxy_on_request_headers', 'proxy_on_request_body']
    : ['proxy_on_response_headers', 'proxy_on_response_body'];
  const mapType = dir === REQUEST ? 0 : 2;
  if (dir === RESPONSE) s.maps[mapType] = { pairs: headers.map(([k, v]) => [k.toLowerCase(), v]), writable: true };
  const map = s.maps[mapType];
  // A local reply already being delivered is not an answer from this phase.
  const before = s.localReply;
  const answered = () => s.localReply !== before || s.reset;
  // proxy_continue_stream (e.g. from a callout's answer) resumes a paused phase.
  const resumed = () => { const r = s.resume[dir]; s.resume[dir] = false; return r; };
  const snapshot = () => s.maps[mapType].pairs.map((p) => [...p]);
  const bodyLen = chunks.reduce((n, c) => n + c.length, 0);
  let a = vm.call(s.id, onHeaders, s.id, map.pairs.length, bodyLen === 0 ? 1 : 0);
  if (answered()) return { forwarded: null };
  let sentHeaders = null;
  let stopAll = false;
  if (a === CONTINUE) {
    sentHeaders = snapshot();
    s.maps[mapType] = null; // Envoy drops its pointer to headers it let through
  } else if (a !== 1 && a !== 3 && a !== 4) {
    throw new Error(`host: ${onHeaders} returned unknown action ${a}`);
  } else if (resumed()) {
    sentHeaders = snapshot();
  } else {
    stopAll = a !== 1; // StopAllIteration*: no body callbacks until resumed
  }
  const sent = [];
  let buffered = Buffer.alloc(0);
  for (let i = 0; i < chunks.length && bodyLen > 0; i++) {
    buffered = Buffer.concat([buffered, chunks[i]]);
    if (stopAll && !resumed()) continue;
    stopAll = false;
    s.buffers[dir] = buffered;
    a = vm.call(s.id, onBody, s.id, buffered.length, i === chunks.length - 1 ? 1 : 0);
    buffered = s.buffers[dir];
    if (answered()) return { forwarded: null };
    if (a !== CONTINUE && a !== 1 && a !== 2 && a !== 3) throw new Error(`host: ${onBody} returned unknown action ${a}`);
    if (a === CONTINUE || resumed()) {
      sent.push(buffered);
      buffered = Buffer.alloc(0);
      if (!sentHeaders) sentHeaders = snapshot();
    } else if (a === 3) {
      buffered = Buffer.alloc(0); // StopIterationNoBuffer: the chunk is not kept
    }
  }
  s.buffers[dir] = null; // Envoy drops its pointer to the body once the phase is over
  // Paused at end of stream with nothing sent and no reply: Envoy would wait
  // until the stream timeout. That is a hang, reported as such.
  if (!sentHeaders || buffered.length > 0) return { forwarded: null, stalled: true };
  s.sentHeaders[dir] = sentHeaders;
  return { forwarded: { headers: sentHeaders, body: Buffer.concat(sent) } };
}

// localReplyHeaders is what Envoy sends for a local reply: :status, the
// plugin's headers (replacing Envoy's defaults), content-length.
function localReplyHeaders(r) {
  const h = [[':status', String(r.status)]];
  for (const [k, v] of r.headers) {
    const name = k.toLowerCase();
    const i = h.findIndex(([n]) => n === name);
    if (i >= 0) h.splice(i, 1);
    h.push([name, v]);
  }
  if (r.body.length > 0 && !h.some(([n]) => n === 'content-type')) h.push(['content-type', 'text/plain']);
  h.push(['content-length', String(r.body.length)]);
  return h;
}

// runExchange sends req ({headers, body, chunks}) through the plugin;
// backend(upstreamRequest) returns the response ({status, headers, body,
// chunks}). The result has exactly one of: localReply, response (what the
// client got from upstream), stalled, reset; plus upstream (what reached the
// backend, or null) and trap (a Trap, when the VM failed).
export function runExchange(vm, req, backend) {
  const s = new Stream(req.headers);
  const res = { upstream: null, localReply: null, response: null, stalled: null, reset: null, trap: null };
  try {
    vm.newStream(s);
    const out = runPhase(vm, s, REQUEST, null, split(req.body, req.chunks ?? 1));
    if (s.localReply) {
      deliverLocalReply(vm, s, res);
    } else if (out.forwarded) {
      res.upstream = out.forwarded;
      encodeResponse(vm, s, res, backend(out.forwarded));
    } else if (out.stalled) {
      res.stalled = 'request';
    }
    res.reset = s.reset;
    vm.endStream(s.id);
  } catch (e) {
    if (!vm.failed) throw e; // a host bug, not the plugin's
    res.trap = e.kind === 'vm-failed' ? e : vm.failed;
  }
  res.extraLocalReplies = s.extraLocalReplies;
  return res;
}

function encodeResponse(vm, s, res, resp) {
  s.encoding = true;
  const headers = [[':status', String(resp.status)], ...(resp.headers ?? [])];
  const out = runPhase(vm, s, RESPONSE, headers, split(resp.body ?? Buffer.alloc(0), resp.chunks ?? 1));
  if (s.localReply) {
    // Sent while encoding: Envoy sends it straight to the client.
    res.localReply = { ...s.localReply, client: toResponse({ headers: localReplyHeaders(s.localReply), body: s.localReply.body }) };
  } else if (out.forwarded) res.response = toResponse(out.forwarded);
  else if (out.stalled) res.stalled = 'response';
}

// deliverLocalReply runs a reply sent while decoding through the plugin's
// response hooks, as Envoy does; the client gets what comes out.
function deliverLocalReply(vm, s, res) {
  const r = s.localReply;
  s.encoding = true;
  const out = runPhase(vm, s, RESPONSE, localReplyHeaders(r), split(r.body, 1));
  if (!out.forwarded) {
    res.stalled = 'local reply';
    return;
  }
  res.localReply = { ...r, client: toResponse(out.forwarded) };
}

function toResponse({ headers, body }) {
  const st = headers.find(([k]) => k === ':status');
  return { status: st ? Number(st[1]) : 0, headers, body };
}
