// Assertions of the bad-input suite: what the client got, what reached the
// backend, and the invariants every exchange keeps (no trap, no hang, no
// secret in any log or reply).

import { isDeepStrictEqual } from 'node:util';

// Secrets planted through the VM's environment and the token endpoints. Each
// may go where it is configured to (the store key and the tokens to the
// backend, a client secret to its token endpoint), never into a log line or
// a reply.
export const SECRETS = {
  storeKey: 'v8-planted-store-key-5f3a9c1e', // PETSTORE_API_KEY, petstore's default credential
  ordersClientSecret: 'v8-orders-client-secret-77d0',
  reportsClientSecret: 'v8-reports-client-secret-c41b',
  reportsToken: 'v8-reports-token-2e9f', // what the follow-ups' token endpoint issues
};

export const ENV = [
  `PETSTORE_API_KEY=${SECRETS.storeKey}`,
  `V8_ORDERS_CLIENT_SECRET=${SECRETS.ordersClientSecret}`,
  `V8_REPORTS_CLIENT_SECRET=${SECRETS.reportsClientSecret}`,
];

const PETSTORE_TOOLS = [
  'list_pets', 'get_pet', 'create_pet', 'update_pet_status', 'delete_pet', 'place_order',
  'list_my_orders', 'store_hours',
];

// clientResponse is what the MCP client received.
export function clientResponse(res) {
  if (res.localReply) return res.localReply.client ?? null;
  return res.response;
}

// invariants lists what is wrong with any exchange, whatever its input;
// extraSecrets are values the case planted (e.g. in a token response).
export function invariants(vm, res, logsFrom, unknownFrom, extraSecrets = []) {
  const bad = [];
  if (res.trap) bad.push(firstLine(res.trap.message));
  if (res.stalled) bad.push(`stalled in the ${res.stalled} phase: no reply and nothing forwarded (Envoy would hang)`);
  if (res.reset) bad.push(`stream reset: ${res.reset}`);
  if (res.extraLocalReplies) bad.push(`${res.extraLocalReplies} local replies after the first`);
  const unknown = vm.unknownClusters.slice(unknownFrom);
  if (unknown.length > 0) bad.push(`callout to a cluster that does not exist: ${unknown.join(', ')}`);
  const out = clientResponse(res);
  const places = [
    ['a log line', vm.logs.slice(logsFrom).map((l) => l.msg).join('\n')],
    ['the reply body', out ? out.body.toString('latin1') : ''],
    ['the reply headers', out ? JSON.stringify(out.headers) : ''],
  ];
  const secrets = [...Object.entries(SECRETS), ...extraSecrets.map((v) => ['a planted value', v])];
  for (const [where, text] of places) {
    for (const [name, value] of secrets) if (text.includes(value)) bad.push(`${name} appears in ${where}`);
  }
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
  if (expect.upstreamHeader !== undefined && res.upstream) {
    const [k, v] = expect.upstreamHeader;
    const got = res.upstream.headers.filter(([hk]) => hk === k).map(([, hv]) => hv);
    if (!isDeepStrictEqual(got, [v])) bad.push(`backend got ${k}: ${JSON.stringify(got)}, want ${JSON.stringify([v])}`);
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

// The normal exchanges that must succeed on the same VM after every input,
// per config: the tool list, and a call that goes upstream with its
// credential (the store key; for oauth2, a token from the well-behaved
// endpoint).
const toolsList = (names) => ({
  name: 'tools/list',
  body: '{"jsonrpc":"2.0","id":101,"method":"tools/list"}',
  check(res) {
    const bad = expectation(res, { status: 200 });
    const got = parseJSON(clientResponse(res)?.body)?.result?.tools?.map((t) => t.name);
    if (bad.length === 0 && !isDeepStrictEqual(got, names)) bad.push(`tools ${JSON.stringify(got)}`);
    return bad;
  },
});

// toolsCall expects the upstream request to carry the headers want and the
// client to get text.
const toolsCall = (tool, args, backendBody, want, text) => ({
  name: `tools/call ${tool}`,
  body: JSON.stringify({ jsonrpc: '2.0', id: 102, method: 'tools/call', params: { name: tool, arguments: args } }),
  backend: { status: 200, headers: [['content-type', 'application/json']], body: backendBody },
  check(res) {
    const bad = expectation(res, { status: 200, toolError: false, upstream: true });
    const up = res.upstream?.headers ?? [];
    for (const [k, v] of want) {
      if (!up.some(([hk, hv]) => hk === k && hv === v)) bad.push(`upstream ${k} is not the expected value`);
    }
    const got = parseJSON(clientResponse(res)?.body)?.result?.content?.[0]?.text;
    if (bad.length === 0 && got !== text) bad.push(`tool text ${JSON.stringify(got)}`);
    return bad;
  },
});

const petstoreFollowUps = [
  toolsList(PETSTORE_TOOLS),
  toolsCall('list_pets', { limit: 5 }, '{"pets":[{"id":1,"name":"Rex","status":"available","category":{"name":"dog"}}]}',
    [[':method', 'GET'], [':path', '/v2/stores/store-042/pets?status=available&limit=5'], ['x-petstore-key', SECRETS.storeKey]],
    '\n1. Rex (dog) - available\n'),
];

export const followUps = {
  petstore: petstoreFollowUps,
  large: petstoreFollowUps,
  oauth2: [
    toolsList(['list_orders', 'list_reports']),
    toolsCall('list_reports', {}, '[{"id":"r1"}]',
      [[':method', 'GET'], [':path', '/v1/reports'], ['authorization', `Bearer ${SECRETS.reportsToken}`]], '[{"id":"r1"}]'),
  ],
};

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
