// Hostile token endpoints (config 'oauth2', testdata/oauth2.yaml): list_orders
// needs a client-credentials token, and `tokenEndpoint` is the endpoint's
// answer (null: no answer, as on a timeout or a reset). Whatever it answers,
// the call fails closed with the plugin's one message, nothing goes
// upstream, and what the endpoint sent appears in no log or reply.

const listOrders = '{"jsonrpc":"2.0","id":21,"method":"tools/call","params":{"name":"list_orders","arguments":{}}}';
const refused = { status: 200, code: -32603 };
const json = (body, status = 200) => ({ status, headers: [['content-type', 'application/json']], body });

export default [
  {
    name: 'token endpoint answers HTML', tokenEndpoint: { status: 200, headers: [['content-type', 'text/html']], body: '<html>v8-html-body</html>' },
    secrets: ['v8-html-body'], expect: refused,
  },
  { name: 'token endpoint answers 500', tokenEndpoint: json('{"error":"v8-server-error"}', 500), secrets: ['v8-server-error'], expect: refused },
  { name: 'token endpoint does not answer', tokenEndpoint: null, expect: refused },
  {
    name: 'token response above 64 KiB',
    tokenEndpoint: json(`{"access_token":"v8-big-token","token_type":"Bearer","pad":"${'x'.repeat(70000)}"}`),
    secrets: ['v8-big-token'], expect: refused,
  },
  { name: 'token response without access_token', tokenEndpoint: json('{"token_type":"Bearer","expires_in":60}'), expect: refused },
  {
    name: 'access_token with CR LF', tokenEndpoint: json('{"access_token":"v8-tok\\r\\nX-Evil: 1","token_type":"Bearer"}'),
    secrets: ['v8-tok'], expect: refused,
  },
  {
    name: 'token_type is not bearer', tokenEndpoint: json('{"access_token":"v8-mac-token","token_type":"mac"}'),
    secrets: ['v8-mac-token'], expect: refused,
  },
  {
    name: 'negative expires_in', tokenEndpoint: json('{"access_token":"v8-neg-token","token_type":"Bearer","expires_in":-5}'),
    secrets: ['v8-neg-token'], expect: refused,
  },
  {
    name: 'token response is a JSON array', tokenEndpoint: json('[{"access_token":"v8-arr-token","token_type":"Bearer"}]'),
    secrets: ['v8-arr-token'], expect: refused,
  },
  // 20 KB of '[' overflowed V8's stack in gjson's validator before the depth check.
  { name: 'token response of arrays nested 10000', tokenEndpoint: json('['.repeat(10000) + ']'.repeat(10000)), expect: refused },
  {
    name: 'token response object nested 10000', secrets: ['v8-deep-token'],
    tokenEndpoint: json(`{"access_token":"v8-deep-token","token_type":"Bearer","x":${'{"a":'.repeat(10000)}1${'}'.repeat(10000)}}`),
    expect: refused,
  },
].map((c) => ({ ...c, config: 'oauth2', body: listOrders }));
