// The bad-input suite run by ../run.mjs: hostile requests and backend
// responses, each with the exact answer the plugin must give. Every case runs
// with the body delivered whole and in several chunks, `repeat` times on the
// same VM, and is followed by a normal tools/list and tools/call on that VM.
//
// Fields:
//   name      unique, printed on failure
//   config    'petstore' (testdata/configs/petstore.yaml, maxRequestBodyBytes
//             64 KiB), 'large' (the same with 8 MiB request and response
//             limits, so that bodies nested 1M deep reach the parser) or
//             'oauth2' (oauth2.yaml; the cases are in oauth2-cases.mjs)
//   headers   adjustments of the client's 2025-11-25 Streamable HTTP POST:
//             modern: {method, tool} for a 2026-07-28 request (Mcp-Method,
//             Mcp-Name), set: [[name, value]], drop: [name], contentLength:
//             false (no Content-Length, as a chunked request)
//   body      the request body (string or Buffer)
//   backend   the REST backend's answer when the request goes upstream
//   tokenEndpoint  the answer of oauth2.yaml's first token endpoint
//   secrets   more values that must appear in no log line and no reply
//   expect    status: HTTP status the client gets
//             code: JSON-RPC error.code (absent: the reply is a result)
//             toolError: result.isError; toolErrorMentions: text it contains
//             upstream: true if the request must reach the backend
//             upstreamJSON: the JSON body the backend must receive
//             upstreamHeader: [name, value], the one value of a header it gets

import { SECRETS } from '../check.mjs';
import oauth2Cases from './oauth2-cases.mjs';

const rpc = (id, method, params) =>
  JSON.stringify(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });

// nestArrays is `[` n times then `]` n times; nestObjects is {"a":...1...}.
export const nestArrays = (n) => '['.repeat(n) + ']'.repeat(n);
export const nestObjects = (n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

// createPet is a tools/call of create_pet whose arguments text is args.
const createPet = (args) =>
  `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_pet","arguments":${args}}}`;

const okPet = { status: 200, headers: [['content-type', 'application/json']], body: '{"id":10,"name":"Rex"}' };


const depths = [10000, 250000, 1000000];

const nesting = depths.flatMap((n) => [
  {
    name: `top-level arrays nested ${n}`, config: 'large', repeat: 3,
    body: nestArrays(n), expect: { status: 400, code: -32600 },
  },
  {
    name: `top-level objects nested ${n}`, config: 'large', repeat: 3,
    body: nestObjects(n), expect: { status: 400, code: -32600 },
  },
  {
    name: `arguments arrays nested ${n}`, config: 'large', repeat: 3,
    body: createPet(`{"name":"Rex","category":"dog","tags":${nestArrays(n)}}`),
    expect: { status: 400, code: -32602 },
  },
  {
    name: `arguments objects nested ${n}`, config: 'large', repeat: 3,
    body: createPet(`{"name":"Rex","category":"dog","extra":${nestObjects(n)}}`),
    expect: { status: 400, code: -32602 },
  },
]);


// jsonBody is a 200 application/json backend answer with body text.
const jsonBody = (status, body) => ({ status, headers: [['content-type', 'application/json']], body });

const modernMeta = '"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}}';

// badUTF8 is a create_pet call whose name holds the given raw bytes.
const badUTF8 = (bytes) => Buffer.concat([
  Buffer.from('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"create_pet","arguments":{"name":"R'),
  Buffer.from(bytes), Buffer.from('x","category":"dog"}}}'),
]);

export default [
  ...nesting,
  ...oauth2Cases,
  {
    name: 'nesting over the 64 KiB limit is refused by size first',
    body: nestArrays(40000), expect: { status: 413, code: -32600 },
  },
  { name: 'malformed JSON: truncated', body: '{"jsonrpc":"2.0","id":1,"method":"tools/li', expect: { status: 400, code: -32700 } },
  { name: 'malformed JSON: trailing garbage', body: rpc(1, 'tools/list') + '}', expect: { status: 400, code: -32700 } },
  { name: 'malformed JSON: not JSON at all', body: 'jsonrpc=2.0&method=tools/list', expect: { status: 400, code: -32700 } },
  { name: 'malformed JSON: unclosed string', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list', expect: { status: 400, code: -32700 } },
  { name: 'byte order mark before the message', body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(rpc(1, 'tools/list'))]), expect: { status: 400, code: -32700 } },
  { name: 'NaN literal in arguments', body: createPet('{"name":"Rex","category":"dog","limit":NaN}'), expect: { status: 400, code: -32700 } },
  { name: 'message is null', body: 'null', expect: { status: 400, code: -32600 } },
  { name: 'message is a string', body: '"tools/list"', expect: { status: 400, code: -32600 } },
  { name: 'id is an object', body: '{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}', expect: { status: 400, code: -32600 } },
  { name: 'jsonrpc is not 2.0', body: '{"jsonrpc":"1.0","id":1,"method":"tools/list"}', expect: { status: 400, code: -32600 } },
  { name: 'params is an array', body: rpc(1, 'tools/call', ['list_pets']), expect: { status: 400, code: -32600 } },
  { name: 'unknown method', body: rpc(1, 'tools/destroy'), expect: { status: 200, code: -32601 } },
  { name: 'unknown tool', body: rpc(1, 'tools/call', { name: 'drop_tables', arguments: {} }), expect: { status: 200, code: -32602 } },
  { name: 'arguments is a string', body: rpc(1, 'tools/call', { name: 'list_pets', arguments: 'x' }), expect: { status: 200, code: -32602 } },
  {
    name: 'integer arg overflowing float64', body: '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"list_pets","arguments":{"limit":1e999}}}',
    expect: { status: 200, toolError: true, toolErrorMentions: '"limit"' },
  },
  {
    name: 'path traversal in a path arg', body: rpc(1, 'tools/call', { name: 'get_pet', arguments: { petId: '1/../../admin' } }),
    expect: { status: 200, toolError: true, toolErrorMentions: '"petId"' },
  },
  {
    name: 'raw control character inside a string',
    body: createPet('{"name":"Re\u0001x","category":"dog"}'), expect: { status: 400, code: -32700 },
  },
  {
    name: 'escaped control characters in a body string arg are sent escaped',
    body: createPet('{"name":"Re\\u0000x\\u001b\\n","category":"dog"}'), backend: okPet,
    expect: {
      status: 200, toolError: false, upstream: true,
      upstreamJSON: { name: 'Re\u0000x\u001b\n', category: 'dog', status: 'available' },
    },
  },
  {
    name: 'empty body', body: '', headers: { set: [['content-length', '0']] },
    expect: { status: 400, code: -32700 },
  },
  {
    name: 'wrong content type', body: rpc(1, 'tools/list'), headers: { set: [['content-type', 'text/plain']] },
    expect: { status: 415, code: -32600 },
  },
  {
    name: 'no content type', body: rpc(1, 'tools/list'), headers: { drop: ['content-type'] },
    expect: { status: 415, code: -32600 },
  },
  {
    name: 'declared body above maxRequestBodyBytes', body: createPet(`{"name":"${'x'.repeat(70000)}","category":"dog"}`),
    expect: { status: 413, code: -32600 },
  },
  {
    name: 'chunked body above maxRequestBodyBytes', headers: { contentLength: false },
    body: createPet(`{"name":"${'x'.repeat(70000)}","category":"dog"}`), expect: { status: 413, code: -32600 },
  },
  { name: 'batch of one request', body: `[${rpc(1, 'tools/list')}]`, expect: { status: 400, code: -32600 } },
  { name: 'empty batch', body: '[]', expect: { status: 400, code: -32600 } },
  {
    name: 'duplicate member name in params',
    body: '{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"store_hours","name":"create_pet","arguments":{}}}',
    expect: { status: 400, code: -32602 },
  },
  {
    name: 'CR LF in a header arg', backend: okPet,
    body: createPet('{"name":"Rex","category":"dog","X-Idempotency-Key":"k1\\r\\nX-Admin: 1"}'),
    expect: { status: 200, toolError: true, toolErrorMentions: 'X-Idempotency-Key' },
  },
  {
    name: 'NUL in a header arg', backend: okPet,
    body: createPet('{"name":"Rex","category":"dog","X-Idempotency-Key":"k\\u0000"}'),
    expect: { status: 200, toolError: true, toolErrorMentions: 'X-Idempotency-Key' },
  },
  {
    name: 'duplicate member name in arguments', body: createPet('{"name":"Rex","name":"Max","category":"dog"}'),
    expect: { status: 400, code: -32602 },
  },
  {
    // What the Mcp-Param header check reads must be what the call uses.
    name: 'duplicate argument, null then a value, in the 2026-07-28 era',
    headers: { modern: { method: 'tools/call', tool: 'get_pet' } },
    body: `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"get_pet","arguments":{"petId":null,"petId":3},${modernMeta}}}`,
    expect: { status: 400, code: -32602 },
  },
  { name: 'invalid UTF-8 in a string arg', body: badUTF8([0xff, 0xfe]), expect: { status: 400, code: -32602 } },
  { name: 'overlong UTF-8 encoding in a string arg', body: badUTF8([0xc0, 0xaf]), expect: { status: 400, code: -32602 } },
  { name: 'UTF-16 surrogate encoded in UTF-8 in a string arg', body: badUTF8([0xed, 0xa0, 0x80]), expect: { status: 400, code: -32602 } },
  {
    name: 'backend object nested 1000000 (outputSchema tool)', config: 'large', backend: jsonBody(200, nestObjects(1000000)),
    body: rpc(8, 'tools/call', { name: 'get_pet', arguments: { petId: 3 } }),
    expect: { status: 200, toolError: true, upstream: true },
  },
  {
    name: 'backend array nested 1000000 (responseTemplate tool)', config: 'large', backend: jsonBody(200, nestArrays(1000000)),
    body: rpc(9, 'tools/call', { name: 'list_pets', arguments: {} }),
    expect: { status: 200, toolError: true, upstream: true },
  },
  {
    name: 'backend error nested 1000000 (errorResponseTemplate tool)', config: 'large', backend: jsonBody(400, nestObjects(1000000)),
    body: rpc(10, 'tools/call', { name: 'delete_pet', arguments: { petId: 4 } }),
    expect: { status: 200, toolError: true, upstream: true },
  },
  {
    name: 'DEL in a header arg', backend: okPet,
    body: createPet('{"name":"Rex","category":"dog","X-Idempotency-Key":"k\\u007f"}'),
    expect: { status: 200, toolError: true, toolErrorMentions: 'X-Idempotency-Key' },
  },
  {
    name: 'unit separator in a header arg', backend: okPet,
    body: createPet('{"name":"Rex","category":"dog","X-Idempotency-Key":"k\\u001f"}'),
    expect: { status: 200, toolError: true, toolErrorMentions: 'X-Idempotency-Key' },
  },
  {
    name: 'HTAB in a header arg is sent as is', backend: okPet,
    body: createPet('{"name":"Rex","category":"dog","X-Idempotency-Key":"k\\tv"}'),
    expect: { status: 200, toolError: false, upstream: true, upstreamHeader: ['x-idempotency-key', 'k\tv'] },
  },
  // A backend quoting the store key: the reply (checked for every case) must not carry it.
  {
    name: 'backend echoes the store key in a 2xx JSON object', body: rpc(8, 'tools/call', { name: 'get_pet', arguments: { petId: 3 } }),
    backend: jsonBody(200, `{"id":3,"name":"Rex","debug":{"headers":{"X-Petstore-Key":"${SECRETS.storeKey}"}}}`),
    expect: { status: 200, toolError: false, upstream: true },
  },
  {
    name: 'backend echoes the store key in a 401', body: rpc(9, 'tools/call', { name: 'list_pets', arguments: {} }),
    backend: jsonBody(401, `{"error":"bad key","received":{"X-Petstore-Key":"${SECRETS.storeKey}"}}`),
    expect: { status: 200, toolError: true, upstream: true },
  },
  {
    name: 'backend echoes the store key in a text error', body: rpc(10, 'tools/call', { name: 'list_pets', arguments: {} }),
    backend: { status: 400, headers: [['content-type', 'text/plain']], body: `no pets for key ${SECRETS.storeKey}` },
    expect: { status: 200, toolError: true, upstream: true },
  },
  {
    name: 'Origin not allowed', headers: { set: [['origin', 'https://evil.example.net']] }, body: rpc(1, 'tools/list'),
    expect: { status: 403, code: -32600 },
  },
  { name: 'batch of two calls', body: `[${rpc(1, 'tools/list')},${rpc(2, 'ping')}]`, expect: { status: 400, code: -32600 } },
];
