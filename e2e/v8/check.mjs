// Assertions of the bad-input suite: what the client got, what reached the
// backend, and the invariants every exchange keeps (no trap, no hang, no
// secret in any log or reply).

import { isDeepStrictEqual } from 'node:util';

// SECRET is the store's API key (PETSTORE_API_KEY, the default credential of
// the petstore config); it must reach the backend and nothing else.
export const SECRET = 'v8-planted-store-key-5f3a9c1e';

export const TOOLS = [
  'list_pets', 'get_pet', 'create_pet', 'update_pet_status', 'delete_pet', 'place_order',
  'list_my_orders', 'store_hours',
];

// clientResponse is what the MCP client received.
export function clientResponse(res) {
  if (res.localReply) return res.localReply.client ?? null;
  return res.response;
}

// invariants lists what is wrong with any exchange, whatever its input.
export function invariants(vm, res, logsFrom, calloutsFrom) {
  const bad = [];
  if (res.trap) bad.push(firstLine(res.trap.message));
  if (res.stalled) bad.push(`stalled in the ${res.stalled} phase: no reply and nothing forwarded (Envoy would hang)`);
  if (res.reset) bad.push(`stream reset: ${res.reset}`);
  if (res.extraLocalReplies) bad.push(`${res.extraLocalReplies} local replies after the first`);
  if (vm.callouts.length > calloutsFrom) bad.push('the plugin attempted an HTTP callout');
  const out = clientResponse(res);
  const places = [
    ['a log line', vm.logs.slice(logsFrom).map((l) => l.msg).join('\n')],
    ['the reply body', out ? out.body.toString('latin1') : ''],
    ['the reply headers', out ? JSON.stringify(out.headers) : ''],
  ];
  for (const [where, text] of places) if (text.includes(SECRET)) bad.push(`the store key appears in ${where}`);
  return bad;
}

// expectation lists how the exchange differs from the case's expect.
export function expectation(res, expect) {
  const bad = [];
  const out = clientResponse(res);
  if (!out) return res.trap || res.stalled ? bad : ['the client got no response'];
  if (out.status !== expect.status) bad.push(`HTTP ${out.status}, want ${expect.status}`);
  if (!!res.upstream !== !!expect.upstream) {
    bad.push(expect.upstream ? 'the request did not reach the backend' : 'the request reached the backend');
  }
  if (expect.upstreamJSON !== undefined && res.upstream) {
    const got = parseJSON(res.upstream.body);
    if (!isDeepStrictEqual(got, expect.upstreamJSON)) {
      bad.push(`backend got ${clip(res.upstream.body)}, want ${JSON.stringify(expect.upstreamJSON)}`);
    }
  }
  const msg = parseJSON(out.body);
  if (msg === undefined || msg.jsonrpc !== '2.0') return [...bad, `reply is not a JSON-RPC message: ${clip(out.body)}`];
  if (expect.code !== undefined) {
    if (msg.error?.code !== expect.code) bad.push(`error code ${msg.error?.code}, want ${expect.code}: ${clip(out.body)}`);
    return bad;
  }
  if (msg.error !== undefined || msg.result === undefined) return [...bad, `want a result, got ${clip(out.body)}`];
  if (expect.toolError !== undefined && msg.result.isError !== expect.toolError) {
    bad.push(`isError ${msg.result.isError}, want ${expect.toolError}: ${clip(out.body)}`);
  }
  const text = (msg.result.content ?? []).map((c) => c.text ?? '').join('');
  if (expect.toolErrorMentions !== undefined && !text.includes(expect.toolErrorMentions)) {
    bad.push(`tool error does not name ${JSON.stringify(expect.toolErrorMentions)}: ${clip(out.body)}`);
  }
  return bad;
}

// The two normal exchanges that must succeed on the same VM after every
// input: the tool list and a call that goes upstream with the store key.
export const followUps = [
  {
    name: 'tools/list',
    body: '{"jsonrpc":"2.0","id":101,"method":"tools/list"}',
    check(res) {
      const bad = expectation(res, { status: 200 });
      const names = parseJSON(clientResponse(res)?.body)?.result?.tools?.map((t) => t.name);
      if (bad.length === 0 && !isDeepStrictEqual(names, TOOLS)) bad.push(`tools ${JSON.stringify(names)}`);
      return bad;
    },
  },
  {
    name: 'tools/call list_pets',
    body: '{"jsonrpc":"2.0","id":102,"method":"tools/call","params":{"name":"list_pets","arguments":{"limit":5}}}',
    backend: {
      status: 200, headers: [['content-type', 'application/json']],
      body: '{"pets":[{"id":1,"name":"Rex","status":"available","category":{"name":"dog"}}]}',
    },
    check(res) {
      const bad = expectation(res, { status: 200, toolError: false, upstream: true });
      const up = res.upstream?.headers ?? [];
      const want = [[':method', 'GET'], [':path', '/v2/stores/store-042/pets?status=available&limit=5'],
        ['x-petstore-key', SECRET]];
      for (const [k, v] of want) {
        if (!up.some(([hk, hv]) => hk === k && hv === v)) bad.push(`upstream ${k} is not the expected value`);
      }
      const text = parseJSON(clientResponse(res)?.body)?.result?.content?.[0]?.text;
      if (bad.length === 0 && text !== '\n1. Rex (dog) - available\n') bad.push(`tool text ${JSON.stringify(text)}`);
      return bad;
    },
  },
];

function parseJSON(buf) {
  if (!buf) return undefined;
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

function clip(buf) {
  const s = Buffer.isBuffer(buf) ? buf.toString('utf8') : String(buf);
  return s.length > 160 ? `${s.slice(0, 160)}...(${s.length} bytes)` : s;
}

function firstLine(s) {
  return String(s).split('\n')[0];
}
